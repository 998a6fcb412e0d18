/**
 * Operator roles and what each may do, declared once for the server and the console (which imports
 * this file; it imports nothing but the field catalogue beside it). See docs/roles.md.
 */

export const roles = ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'] as const;
export type Role = (typeof roles)[number];

/** Higher rank outranks lower: OWNER > ADMIN > COMPLIANCE_OFFICER > DEVELOPER > READER. */
export const roleRank: Record<Role, number> = { OWNER: 5, ADMIN: 4, COMPLIANCE_OFFICER: 3, DEVELOPER: 2, READER: 1 };

/**
 * Every role rule in one table. Each line says who may do a thing and why.
 */
export const policy = {
  // Everyone in the organization may look at its users; personal data is filtered on export only.
  'users.read': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'],
  // Status changes and edits from the console are compliance decisions.
  'users.write': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  // Imports rewrite many users at once, so only those accountable for the data may run them.
  'imports.manage': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  // Every role may export, but only these see personal-data columns.
  'exports.request': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'],
  'exports.personal_data': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  // A download link is a bearer link; the organization's owners may take one back before it expires.
  'exports.revoke': ['OWNER'],
  // The audit trail shows who touched personal data: compliance and above.
  'audit.read': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  // Members: OWNER manages everyone; ADMIN everyone but OWNERs (checked by canManageOperator).
  'operators.manage': ['OWNER', 'ADMIN'],
  // API keys grant write access to an application's users.
  'apikeys.manage': ['OWNER', 'ADMIN'],
  // Applications are the tenant boundary.
  'apps.manage': ['OWNER', 'ADMIN'],
  // Erasure removes a person for good: those accountable for the data decide (docs/privacy.md#erasure).
  'users.erase': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  // The record kept under legal hold after an erasure: only the owners and compliance, each read with a reason.
  'users.read_held_record': ['OWNER', 'COMPLIANCE_OFFICER'],
  // How long each kind of data is kept is the application's administrators' decision.
  'retention.manage': ['OWNER', 'ADMIN'],
  // A webhook sends every user change to a URL of the business's choosing: its administrators decide where.
  'webhooks.manage': ['OWNER', 'ADMIN'],
  // Answering a person's access request hands over all their data: those accountable for it (docs/privacy.md).
  'privacy.access_packages': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  // What the business says it does with personal data (the record of processing) is its administrators' to state.
  'privacy.settings': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof policy;

export const permissions = Object.keys(policy) as Permission[];

export function can(role: Role, permission: Permission): boolean {
  return (policy[permission] as readonly Role[]).includes(role);
}

/** Every permission a role holds, in table order; the console shows or hides pages by it. */
export function permissionsOf(role: Role): Permission[] {
  return permissions.filter((permission) => can(role, permission));
}

/** Whether `actor` may create, change or remove an operator holding `targetRole` (or give it that role). */
export function canManageOperator(actor: Role, targetRole: Role): boolean {
  if (!can(actor, 'operators.manage')) return false;
  if (actor === 'OWNER') return true;
  return targetRole !== 'OWNER';
}

/** Columns of an export that hold personal data; restricted roles never get them. Declared per field in the users' field catalogue. */
export { personalDataCsvColumns as personalDataColumns } from './user-catalogue.ts';

/** The answer to adding a member (POST /api/console/operators): an invitation was sent; it never says whether the address already has an account. */
export interface InvitationSent {
  status: 'invitation_sent';
  email: string;
  role: Role;
  expires_at: string;
  message: string;
}
