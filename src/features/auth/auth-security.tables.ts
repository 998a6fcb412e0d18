import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../../db/schema.ts';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface SignInThrottlesTable {
  key: string;
  failures: Generated<number>;
  window_started_at: Generated<Date>;
  blocked_until: NullableTimestamp;
  updated_at: Generated<Date>;
}

export interface OperatorInvitationsTable {
  id: Generated<string>;
  org_id: string;
  email: string;
  role: Role;
  name: Generated<string>;
  token_hash: Buffer;
  invited_by: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
  accepted_at: NullableTimestamp;
  /** 2026-12-07T2130-creds-invitations. */
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
  revoked_reason: InvitationEndReason | null;
}

export type InvitationEndReason = 'revoked' | 'sender_removed' | 'sender_role_changed';

/** Kysely types of the sign-in throttle and the invitations (2026-11-29T1300-security). */
export interface AuthSecurityTables {
  sign_in_throttles: SignInThrottlesTable;
  operator_invitations: OperatorInvitationsTable;
}
