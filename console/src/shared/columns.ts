// The server's own column lists: the server enforces them, the console shows them.
export { exportColumns, importColumns, type ExportColumn } from '../../../src/shared/user-columns.ts';
import { personalDataColumns as personalDataColumnTuple, type Role } from '../../../src/shared/roles.ts';

// Statuses and roles are the server's, from src/shared/ (dependency-free; see docs/architecture.md).
import { defaultUserStatus, userStatuses, type UserStatus } from '../../../src/shared/user-catalogue.ts';

export { defaultUserStatus, userStatuses };

/** The status a change form offers first: away from the default (ACTIVE → FLAGGED), else back to it. */
export function suggestedStatus(current: UserStatus): UserStatus {
  return current === defaultUserStatus ? userStatuses.find((status) => status !== defaultUserStatus)! : defaultUserStatus;
}
export { roles } from '../../../src/shared/roles.ts';

export const roleLabels: Record<Role, string> = {
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
