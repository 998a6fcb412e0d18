/**
 * The user record's fields, each declared once. Everything that lists, checks, merges, diffs or
 * exports user fields derives from this table: the API's writable and read-only fields, the import's
 * columns, classification, merge SQL and ledger diff (user-merge.sql.ts), the export's column list,
 * the user object's JSON and the personal-data rule of docs/roles.md#personal-data-by-role.
 *
 * Pure data (no validators, no Node modules): the console bundle imports it too (src/shared/ holds
 * only such dependency-free modules; see docs/architecture.md). Validators per field
 * live in user-fields.ts and are keyed by these names (`fieldValidators`), so a new field that the API
 * or an import may write cannot be added here without its validator.
 */

/** A user's status, declared once (the column's CHECK in src/db/migrations/2026-11-27T0900-core.ts holds the same set). */
export const userStatuses = ['ACTIVE', 'FLAGGED', 'BLOCKED'] as const;
export type UserStatus = (typeof userStatuses)[number];
/** What a user created without a status gets (the column's default). */
export const defaultUserStatus: UserStatus = 'ACTIVE';

/** How a field is stored and compared; decides its SQL type, its JSON form and its equality. */
export type FieldKind = 'uuid' | 'text' | 'date' | 'status' | 'tags' | 'metadata' | 'count' | 'timestamp' | 'computed';

export interface UserFieldSpec {
  /** The name in the API's user object; also the column in `users` unless `column` is null. */
  readonly name: string;
  /** The column in `users` and in an import's staging table; null for a computed field. */
  readonly column: string | null;
  /** The column name in CSV files (templates, exports, imports); null when files never carry it. */
  readonly csv: string | null;
  readonly kind: FieldKind;
  /** Personal data (docs/roles.md#personal-data-by-role): withheld from DEVELOPER and READER, and from their exports. */
  readonly personal: boolean;
  /** An import may write it (an empty cell leaves it as it is). */
  readonly importWritable: boolean;
  /** The users API may write it (create / PATCH). */
  readonly apiWritable: boolean;
  /** Set by an approved verification session; neither an import nor the API may change it afterwards. */
  readonly frozenOnceVerified: boolean;
  readonly description: string;
}

const flagDefaults = { personal: false, importWritable: false, apiWritable: false, frozenOnceVerified: false } as const;
type FieldInput = Omit<UserFieldSpec, keyof typeof flagDefaults> & Partial<Pick<UserFieldSpec, keyof typeof flagDefaults>>;

/** A catalogue entry: flags not given are false; literal types are kept so lists derived below are typed. */
function field<const S extends FieldInput>(spec: S): Omit<typeof flagDefaults, keyof S> & S {
  return { ...flagDefaults, ...spec } as Omit<typeof flagDefaults, keyof S> & S;
}

/** In the user object's order, which is also the export file's column order. */
export const userCatalogue = [
  field({ name: 'didit_internal_id', column: 'didit_internal_id', csv: 'didit_internal_id', kind: 'uuid', description: 'Roster id of the user (UUID); never changes' }),
  field({ name: 'vendor_data', column: 'vendor_data', csv: 'vendor_data', kind: 'text', importWritable: true, apiWritable: true, description: 'Your id for the user; unique within the application' }),
  field({ name: 'display_name', column: 'display_name', csv: 'display_name', kind: 'text', personal: true, importWritable: true, apiWritable: true, description: 'At most 500 characters' }),
  field({ name: 'effective_name', column: null, csv: 'effective_name', kind: 'computed', personal: true, description: 'display_name, else full_name' }),
  field({ name: 'full_name', column: 'full_name', csv: 'full_name', kind: 'text', personal: true, importWritable: true, apiWritable: true, frozenOnceVerified: true, description: 'Verified (read-only) once an approved session set it' }),
  field({ name: 'date_of_birth', column: 'date_of_birth', csv: 'date_of_birth', kind: 'date', personal: true, apiWritable: true, frozenOnceVerified: true, description: 'YYYY-MM-DD; verified (read-only) once an approved session set it' }),
  field({ name: 'email', column: 'email', csv: 'email', kind: 'text', personal: true, importWritable: true, apiWritable: true, description: 'An email address' }),
  field({ name: 'phone', column: 'phone', csv: 'phone', kind: 'text', personal: true, importWritable: true, apiWritable: true, description: 'E.164' }),
  field({ name: 'country', column: 'country', csv: 'country', kind: 'text', importWritable: true, apiWritable: true, description: 'ISO 3166-1 alpha-3' }),
  field({ name: 'status', column: 'status', csv: 'status', kind: 'status', importWritable: true, apiWritable: true, description: `${userStatuses.join(', ')}; ${defaultUserStatus} by default` }),
  field({ name: 'tags', column: 'tags', csv: 'tags', kind: 'tags', importWritable: true, apiWritable: true, description: 'Strings without commas, at most 50; comma-separated in files' }),
  field({ name: 'metadata', column: 'metadata', csv: 'metadata_json', kind: 'metadata', personal: true, importWritable: true, apiWritable: true, description: 'Any JSON object up to 64 KB; replaced whole' }),
  field({ name: 'verified_at', column: 'verified_at', csv: null, kind: 'timestamp', description: 'When an approved session last verified full_name and date_of_birth' }),
  field({ name: 'session_count', column: 'session_count', csv: 'session_count', kind: 'count', description: 'Verification sessions recorded' }),
  field({ name: 'approved_count', column: 'approved_count', csv: 'approved_count', kind: 'count', description: 'Approved sessions' }),
  field({ name: 'declined_count', column: 'declined_count', csv: 'declined_count', kind: 'count', description: 'Declined sessions' }),
  field({ name: 'in_review_count', column: 'in_review_count', csv: 'in_review_count', kind: 'count', description: 'Sessions in review' }),
  field({ name: 'first_session_at', column: 'first_session_at', csv: 'first_session_at', kind: 'timestamp', description: 'First session' }),
  field({ name: 'last_session_at', column: 'last_session_at', csv: 'last_session_at', kind: 'timestamp', description: 'Latest session' }),
  field({ name: 'last_activity_at', column: 'last_activity_at', csv: 'last_activity_at', kind: 'timestamp', description: 'Latest activity' }),
  field({ name: 'created_at', column: 'created_at', csv: 'created_at', kind: 'timestamp', description: 'When the user was created' }),
  field({ name: 'updated_at', column: 'updated_at', csv: 'updated_at', kind: 'timestamp', description: 'When a field last changed' }),
] as const satisfies readonly UserFieldSpec[];

type Catalogue = (typeof userCatalogue)[number];
export type UserFieldName = Catalogue['name'];

/** Names of the fields an import writes, vendor_data first (it names the user). */
export type ImportFieldName = Extract<Catalogue, { importWritable: true }>['name'];
/** Names of the fields the users API writes. */
export type ApiWritableFieldName = Extract<Catalogue, { apiWritable: true }>['name'];
/** CSV names of every column a file can have, in export order. */
export type CsvColumnName = Exclude<Catalogue['csv'], null>;
/** CSV names of the columns an import takes, in template order. */
export type ImportCsvColumn = Extract<Catalogue, { importWritable: true }>['csv'];

export const importFields: readonly Extract<Catalogue, { importWritable: true }>[] = userCatalogue.filter((spec): spec is Extract<Catalogue, { importWritable: true }> => spec.importWritable);

/** The fields an import can change on an existing user: every import field but vendor_data, which names it. */
export const importChangeFields = importFields.filter((spec) => spec.name !== 'vendor_data');
export type ImportChangeFieldName = Exclude<ImportFieldName, 'vendor_data'>;

export const apiWritableFields: readonly ApiWritableFieldName[] = userCatalogue.filter((spec) => spec.apiWritable).map((spec) => spec.name as ApiWritableFieldName);
export const readOnlyApiFields: readonly UserFieldName[] = userCatalogue.filter((spec) => !spec.apiWritable).map((spec) => spec.name);
export const frozenOnceVerifiedFields: readonly UserFieldName[] = userCatalogue.filter((spec) => spec.frozenOnceVerified).map((spec) => spec.name);

/** API names of personal-data fields. */
export const personalDataFields: readonly UserFieldName[] = userCatalogue.filter((spec) => spec.personal).map((spec) => spec.name);
/** CSV names of personal-data columns (the export's restriction, docs/roles.md#personal-data-by-role). */
export const personalDataCsvColumns: readonly CsvColumnName[] = userCatalogue.filter((spec) => spec.personal && spec.csv !== null).map((spec) => spec.csv as CsvColumnName);

/** Every physical column of `users` the application reads, in the user object's order (app_id aside). */
export const storedUserColumns: readonly string[] = userCatalogue.filter((spec) => spec.column !== null).map((spec) => spec.column as string);

export function fieldByName(name: string): UserFieldSpec | undefined {
  return (userCatalogue as readonly UserFieldSpec[]).find((spec) => spec.name === name);
}

export function fieldByCsv(csv: string): UserFieldSpec | undefined {
  return (userCatalogue as readonly UserFieldSpec[]).find((spec) => spec.csv === csv);
}

/** effective_name, declared once: display_name when it has text, else full_name. */
export function effectiveName(user: { display_name: string | null; full_name: string | null }): string | null {
  return user.display_name ? user.display_name : user.full_name;
}

/** The same rule in SQL over a row alias (`users`, `u`). */
export function effectiveNameSql(alias: string): string {
  return `COALESCE(NULLIF(${alias}.display_name, ''), ${alias}.full_name)`;
}

/**
 * The API's user object (toUserResponse in users.schemas.ts) built by PostgreSQL from the row `alias`:
 * same keys, same order, timestamps cut to milliseconds as a JS Date does.
 */
export function userJsonSql(alias: string): string {
  const fields = userCatalogue.map((spec) => {
    let value: string;
    if (spec.kind === 'computed') value = effectiveNameSql(alias);
    else if (spec.kind === 'timestamp') value = `to_char(${alias}.${spec.column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    else if (spec.kind === 'date') value = `to_char(${alias}.${spec.column}, 'YYYY-MM-DD')`;
    else value = `${alias}.${spec.column}`;
    return `'${spec.name}', ${value}`;
  });
  return `json_build_object(${fields.join(', ')})`;
}
