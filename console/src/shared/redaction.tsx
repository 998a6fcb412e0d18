import type { ReactNode } from 'react';
import type { User } from '../api/types.ts';

/** The console API withholds personal data from DEVELOPER and READER (docs/roles.md#personal-data-by-role) and names it in `redacted`. */
export function HiddenForRole() {
  return <span className="muted hidden-for-role">hidden for your role</span>;
}

/** A personal field as the page shows it: its value, or "hidden for your role" when it was withheld. */
export function personal(user: Pick<User, 'redacted'>, field: string, value: ReactNode): ReactNode {
  return user.redacted?.includes(field) ? <HiddenForRole /> : value;
}
