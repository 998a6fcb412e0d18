// The server's own column lists: the server enforces them, the console shows them.
export { exportColumns, importColumns, type ExportColumn } from '../../../src/features/users/user-columns.ts';
import { personalDataColumns as personalDataColumnTuple } from '../../../src/features/auth/policy.ts';

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

export const personalDataColumns: readonly string[] = personalDataColumnTuple;
