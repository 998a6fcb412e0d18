import assert from 'node:assert';
import * as plans from "./plans.js";
import * as drifter from "./drifter.js";
import * as migrationStore from "./migrationStore.js";
import { COMPATIBILITY_FLAGS, getConfig } from "./attorney.js";
import packageJson from '../package.json' with { type: 'json' };
const schemaVersion = packageJson.pgboss.schema;
// A name postgres would store unchanged if written without quotes.
const BARE_LOWER_IDENTIFIER_REGEX = /^[a-z_][a-z0-9_]*$/;
// Exported SQL is meant to be run, so it has to be the SQL that backend accepts - and a caller
// holding a script rather than a connection has nothing else to tell us which engine it is for.
// Resolved by the same attorney.getConfig() the constructor and the CLI use, so a hand-run
// migration and a running instance cannot disagree about what an engine supports. Named alone,
// since a plan needs no connection: getConfig() only reads the profile off it.
function planConfig(schema, backend) {
    // Left out rather than passed as undefined: resolveBackend reads the key's presence, not its
    // value, so `{ backend: undefined }` is a named backend that is not one of the profiles.
    return getConfig(backend ? { schema, backend } : { schema });
}
// Whether a live install may use inlineTableIndexes. The flag comes from the backend profile, but
// the syntax it emits is CockroachDB's own, and the cockroachdb profile is otherwise safe to run on
// plain Postgres (its other flags only remove features). So a live install asks the server what it
// is before inlining. Printed plans have no server to ask and follow the named backend instead.
export async function installConfig(db, config) {
    if (!config.inlineTableIndexes)
        return config;
    const { rows } = await db.executeSql(plans.SERVER_VERSION);
    const cockroach = /cockroachdb/i.test(String(rows[0]?.version ?? ''));
    return cockroach ? config : { ...config, inlineTableIndexes: false };
}
class Contractor {
    static constructionPlans(schema = plans.DEFAULT_SCHEMA, options = {}) {
        const { createSchema = true, backend } = options;
        const config = planConfig(schema, backend);
        return plans.create(schema, schemaVersion, {
            createSchema,
            noTablePartitioning: config.noTablePartitioning,
            noDeferrableConstraints: config.noDeferrableConstraints,
            noAdvisoryLocks: config.noAdvisoryLocks,
            noCoveringIndexes: config.noCoveringIndexes,
            inlineTableIndexes: config.inlineTableIndexes
        });
    }
    static migrationPlans(schema = plans.DEFAULT_SCHEMA, version = schemaVersion - 1, options = {}) {
        const config = planConfig(schema, options.backend);
        // Exported plans run without a BAM worker, so inline the async index builds as direct
        // DDL rather than job_table_run_async() enqueues (see issue #766). Callers that hold a
        // live connection can pass partition metadata to fan the builds out across partitions.
        return migrationStore.migrate(schema, version, migrationStore.getAllForConfig(config), config.noAdvisoryLocks, { inlineAsync: true, partitionTables: options.partitionTables });
    }
    static uninstallPlans(schema = plans.DEFAULT_SCHEMA, options = {}) {
        const config = planConfig(schema, options.backend);
        return plans.uninstall(schema, !config.noTablePartitioning);
    }
    static rollbackPlans(schema = plans.DEFAULT_SCHEMA, version = schemaVersion, options = {}) {
        const config = planConfig(schema, options.backend);
        return migrationStore.rollback(schema, version, migrationStore.getAllForConfig(config), config.noAdvisoryLocks);
    }
    config;
    db;
    migrations;
    constructor(db, config) {
        // Every statement this class emits is shaped by the compatibility flags, and an unset flag is
        // read as false - stock PostgreSQL. So a config that never went through attorney.getConfig()
        // does not fail here, it quietly emits partitioned DDL, advisory locks and covering indexes at a
        // backend that rejects them, halfway through a migration. Assert instead: the flags are always
        // booleans once resolved, so their absence is exactly the mistake worth catching.
        for (const flag of COMPATIBILITY_FLAGS) {
            assert(typeof config[flag] === 'boolean', `contractor assert: config was not resolved (${flag} is ${typeof config[flag]}). Pass a config from attorney.getConfig().`);
        }
        this.config = config;
        this.db = db;
        this.migrations = this.config.migrations || migrationStore.getAllForConfig(this.config);
    }
    async schemaVersion() {
        const result = await this.db.executeSql(plans.getVersion(this.config.schema));
        return result.rows.length ? parseInt(result.rows[0].version) : null;
    }
    async isInstalled() {
        const result = await this.db.executeSql(plans.versionTableExists(this.config.schema));
        return !!result.rows[0].name;
    }
    async start() {
        const installed = await this.isInstalled();
        if (installed) {
            const version = await this.schemaVersion();
            if (version !== null && schemaVersion > version) {
                await this.migrate(version);
            }
        }
        else {
            await this.assertNoSchemaCaseVariant();
            await this.create();
        }
    }
    // `schema: 'MySchema'` and `schema: '"MySchema"'` are two different schemas - postgres folds the
    // bare form to `myschema` and stores the quoted one verbatim - but the two configs differ by two
    // characters and are indistinguishable in logs. Getting it wrong is not an error on its own: the
    // version table simply isn't there, so pg-boss installs a second, empty schema alongside the
    // populated one and every existing job silently disappears. Fires only on the install path, and
    // only when the variant actually holds a pg-boss install, so an unrelated schema that happens to
    // share a folded name never blocks a legitimate install.
    async assertNoSchemaCaseVariant() {
        if (this.config.allowSchemaCaseVariant) {
            return;
        }
        const schema = this.config.schema;
        let variants;
        try {
            const result = await this.db.executeSql(plans.getSchemaCaseVariants(schema));
            variants = result.rows.map((r) => r.name);
        }
        catch {
            // Catalog access varies across backends and permission setups. A probe that cannot run is
            // not evidence of a problem, so it must never block an install that would otherwise succeed.
            return;
        }
        if (variants.length === 0) {
            return;
        }
        // A variant that is already a legal lower-case bare identifier is reached by writing it bare;
        // anything else (mixed case, or a name needing quotes) has to be configured quoted.
        const spellings = variants.map(name => BARE_LOWER_IDENTIFIER_REGEX.test(name) ? `'${name}'` : `'"${name}"'`);
        throw new Error(`pg-boss is not installed in schema ${schema}, but is installed in ${variants.map(n => `"${n}"`).join(', ')}, which differs only in case. ` +
            'PostgreSQL folds unquoted names to lower case and stores quoted names verbatim, so these are different schemas. ' +
            `To use the existing installation, set schema: ${spellings.join(' or ')}. ` +
            'To install a new schema beside it anyway, set allowSchemaCaseVariant: true.');
    }
    // Presence-level schema drift scan: compares the managed indexes the code expects against the live
    // catalog. Partitioned vs. non-partitioned is read from the database (job_common presence), and the
    // per-queue policy indexes are computed from the queue table, so conditional indexes are handled.
    async detectDrift(options = {}) {
        const schema = this.config.schema;
        const probe = await this.db.executeSql(plans.jobCommonExists(schema));
        const partitioned = !!probe.rows[0].name;
        const partitions = partitioned
            ? (await this.db.executeSql(plans.getManagedQueuePartitions(schema))).rows
            : [];
        const liveResult = await this.db.executeSql(drifter.getSchemaIndexes(schema));
        const live = liveResult.rows.map((r) => ({
            name: r.name,
            table: r.table,
            valid: r.valid,
            def: r.def,
            constraintBacked: r.constraintBacked
        }));
        // The bam table only exists from schema v27; ignore its absence on very old schemas.
        let bamCommands = [];
        try {
            const bamResult = await this.db.executeSql(plans.getIncompleteBamCommands(schema));
            bamCommands = bamResult.rows.map((r) => r.command);
        }
        catch {
            bamCommands = [];
        }
        // Function-body and enum drift are best-effort: pg_get_functiondef is unsupported on some backends
        // (CockroachDB), so a failure here SKIPS the function check rather than aborting the whole scan.
        // `functionsSupported` must be tracked separately from an empty result: an empty `liveFunctions`
        // means "query failed / unsupported", which is NOT the same as "no functions found", feeding
        // `live: []` to the drift check would report every expected function as missing and flip `ok` to
        // false on every CockroachDB scan. So the check is gated (passed `undefined`) when the query throws.
        let liveFunctions = [];
        let functionsSupported = true;
        try {
            const fnResult = await this.db.executeSql(drifter.getSchemaFunctions(schema));
            liveFunctions = fnResult.rows.map((r) => ({ name: r.name, def: r.def }));
        }
        catch {
            functionsSupported = false;
        }
        let enumLabels = [];
        try {
            const enumResult = await this.db.executeSql(drifter.getEnumDefinition(schema));
            enumLabels = enumResult.rows.map((r) => r.label);
        }
        catch {
            enumLabels = [];
        }
        // Table presence is read from a catalog-only query independent of the column diff below. The column
        // query uses pg_get_expr (unsupported on some backends) and is best-effort; if it throws, the column
        // check is skipped, but table presence must NOT collapse to "everything missing", so it comes from
        // its own pg_class probe. pg_class is available everywhere, so this rarely throws; if it somehow
        // does, fall back to the columns-derived set rather than aborting the scan.
        let liveTables = null;
        try {
            const tableResult = await this.db.executeSql(drifter.getSchemaTables(schema));
            liveTables = tableResult.rows.map((r) => r.table);
        }
        catch {
            liveTables = null;
        }
        let liveColumns = [];
        try {
            const colResult = await this.db.executeSql(drifter.getSchemaColumns(schema));
            liveColumns = colResult.rows.map((r) => ({ table: r.table, column: r.column, default: r.default, type: r.type, notNull: r.notNull }));
        }
        catch {
            liveColumns = [];
        }
        let liveConstraints = [];
        try {
            const conResult = await this.db.executeSql(drifter.getSchemaConstraints(schema));
            liveConstraints = conResult.rows.map((r) => ({ table: r.table, def: r.def }));
        }
        catch {
            liveConstraints = [];
        }
        const building = new Set(bamCommands.map(plans.bamCommandIndexName).filter((n) => n !== null));
        // CockroachDB renders column types (INT8 vs integer), default expressions, constraint definitions,
        // index definitions (`name ASC`, `''::STRING`, `!=`, `IN (...)`) and function bodies (database-
        // qualified names, `::INT8`, `now():::TIMESTAMPTZ`) differently from standard Postgres, so the
        // canonical-form checks would flag every one of them there. Restrict definition drift to
        // Postgres-typed backends; the presence checks (tables, indexes and their validity, column
        // names, functions, enum) still run everywhere.
        const canonicalPg = this.config.backend !== 'cockroachdb';
        const expectedColumns = plans.expectedManagedColumns(schema, partitioned, partitions)
            .map(c => canonicalPg ? c : { table: c.table, columns: c.columns });
        // The manifest is generated against standard Postgres, so every index that carries an INCLUDE
        // payload records one. Backends without covering indexes build the narrow form of those indexes
        // on purpose (see the noCovering branches in plans.ts / migrationStore.ts), so expect no payload
        // there instead of reporting each one as drifted.
        const expectedIndexes = plans.expectedManagedIndexes(schema, partitioned, partitions)
            .map(i => this.config.noCoveringIndexes ? { ...i, include: '' } : i);
        return drifter.computeSchemaDrift({
            indexes: { expected: expectedIndexes, live, building, presenceOnly: !canonicalPg },
            tables: { expected: plans.expectedManagedTables(schema, partitioned, partitions), live: liveTables ?? [...new Set(liveColumns.map(c => c.table))] },
            functions: functionsSupported ? { expected: plans.expectedManagedFunctions(schema, partitioned, options), live: liveFunctions, presenceOnly: !canonicalPg } : undefined,
            columns: { expected: expectedColumns, live: liveColumns },
            constraints: canonicalPg ? { expected: plans.expectedManagedConstraints(schema, partitioned), live: liveConstraints } : undefined,
            enum: { name: 'job_state', expected: plans.EXPECTED_JOB_STATES, actual: enumLabels }
        });
    }
    // A TestClock swaps the body of job_now() and only puts it back when its handle is disposed, so a
    // run killed mid-test (Ctrl-C, a crashed suite, a bailed runner) leaves the override installed.
    // Correctness survives - the body falls through to pg_catalog.now() for any session that has not
    // opted in - but the override's subquery defeats inlining, so every statement that reads the clock
    // pays a per-row function call instead of a constant-folded timestamp, permanently and silently.
    // The leftover travels with the database, which matters most for an embedded one whose data
    // directory gets committed or shipped.
    //
    // Best-effort in both directions: a backend or a role that cannot read pg_proc is not evidence of
    // a problem, and must never block a start that would otherwise succeed.
    async detectClockOverride() {
        try {
            const result = await this.db.executeSql(plans.getClockFunctionSource(this.config.schema));
            return plans.clockFunctionIsOverridden(result.rows[0]?.source);
        }
        catch {
            return false;
        }
    }
    async restoreClockFunction() {
        await this.db.executeSql(plans.restoreClockFunction(this.config.schema));
    }
    async check() {
        const installed = await this.isInstalled();
        if (!installed) {
            throw new Error('pg-boss is not installed');
        }
        const version = await this.schemaVersion();
        if (schemaVersion !== version) {
            throw new Error('pg-boss database requires migrations');
        }
    }
    async create() {
        try {
            const commands = plans.create(this.config.schema, schemaVersion, await installConfig(this.db, this.config));
            await this.db.executeSql(commands);
        }
        catch (err) {
            assert(err.message.includes(plans.CREATE_RACE_MESSAGE), err);
        }
    }
    async migrate(version) {
        try {
            const commands = migrationStore.migrate(this.config.schema, version, this.migrations, this.config.noAdvisoryLocks);
            await this.db.executeSql(commands);
        }
        catch (err) {
            assert(err.message.includes(plans.MIGRATE_RACE_MESSAGE), err);
        }
    }
    async next(version) {
        const commands = migrationStore.next(this.config.schema, version, this.migrations, this.config.noAdvisoryLocks);
        await this.db.executeSql(commands);
    }
    async rollback(version) {
        const commands = migrationStore.rollback(this.config.schema, version, this.migrations, this.config.noAdvisoryLocks);
        await this.db.executeSql(commands);
    }
}
export default Contractor;
