/**
 * Mirrors src/features/users/user-columns.ts (exportColumns, importColumns) and policy.ts
 * (personalDataColumns). The server enforces them; the console shows them.
 */
export const exportColumns = [
  'didit_internal_id',
  'vendor_data',
  'display_name',
  'effective_name',
  'full_name',
  'date_of_birth',
  'email',
  'phone',
  'country',
  'status',
  'tags',
  'metadata_json',
  'session_count',
  'approved_count',
  'declined_count',
  'in_review_count',
  'first_session_at',
  'last_session_at',
  'last_activity_at',
  'created_at',
  'updated_at',
] as const;

export type ExportColumn = (typeof exportColumns)[number];

export const personalDataColumns: readonly ExportColumn[] = ['full_name', 'display_name', 'effective_name', 'date_of_birth', 'email', 'phone', 'metadata_json'];

export const importColumns = ['vendor_data', 'display_name', 'full_name', 'email', 'phone', 'country', 'status', 'tags', 'metadata_json'] as const;

export const userStatuses = ['ACTIVE', 'FLAGGED', 'BLOCKED'] as const;

export const roles = ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'] as const;

export const roleLabels: Record<(typeof roles)[number], string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  COMPLIANCE_OFFICER: 'Compliance officer',
  DEVELOPER: 'Developer',
  READER: 'Reader',
};

/** A column name as people read it: `last_activity_at` → "Last activity at". */
export function humanize(name: string): string {
  const words = name.replace(/_json$/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
