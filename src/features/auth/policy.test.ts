import { describe, expect, it } from 'vitest';
import type { Role } from '../../db/schema.ts';
import { can, canManageOperator, permissions, permissionsOf, personalDataColumns, policy, roleRank, roles } from '../../shared/roles.ts';

/** The whole table, written out by hand: a change to policy.ts must be made here too, on purpose. */
const expected: Record<string, Role[]> = {
  'users.read': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'],
  'users.write': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  'imports.manage': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  'exports.request': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'],
  'exports.personal_data': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  // Issue #9 finding 12: an OWNER may revoke an export's download link.
  'exports.revoke': ['OWNER'],
  'audit.read': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  'operators.manage': ['OWNER', 'ADMIN'],
  'apikeys.manage': ['OWNER', 'ADMIN'],
  'apps.manage': ['OWNER', 'ADMIN'],
  // docs/webhooks.md: where a webhook sends user changes is an administrator's decision.
  'webhooks.manage': ['OWNER', 'ADMIN'],
  // docs/privacy.md (issue #23): erasure by those accountable for the data; the held record by OWNER and compliance only.
  'users.erase': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  'users.read_held_record': ['OWNER', 'COMPLIANCE_OFFICER'],
  'retention.manage': ['OWNER', 'ADMIN'],
  // docs/privacy.md: access packages and the record of processing belong to those accountable for the data.
  'privacy.access_packages': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
  'privacy.settings': ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'],
};

describe('the role policy table', () => {
  it('holds exactly the permissions the contract describes', () => {
    expect([...permissions].sort()).toEqual(Object.keys(expected).sort());
  });

  for (const permission of Object.keys(expected)) {
    for (const role of roles) {
      const allowed = expected[permission].includes(role);
      it(`${allowed ? 'lets' : 'does not let'} ${role} ${permission}`, () => {
        expect(can(role, permission as keyof typeof policy)).toBe(allowed);
      });
    }
  }

  it('ranks OWNER > ADMIN > COMPLIANCE_OFFICER > DEVELOPER > READER', () => {
    const byRank = [...roles].sort((a, b) => roleRank[b] - roleRank[a]);
    expect(byRank).toEqual(['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER']);
  });

  it('lists a role’s permissions in table order, as /me shows them', () => {
    expect(permissionsOf('READER')).toEqual(['users.read', 'exports.request']);
    expect(permissionsOf('OWNER')).toEqual(permissions);
    expect(permissionsOf('COMPLIANCE_OFFICER')).toEqual(['users.read', 'users.write', 'imports.manage', 'exports.request', 'exports.personal_data', 'audit.read', 'users.erase', 'users.read_held_record', 'privacy.access_packages', 'privacy.settings']);
  });

  it('names the personal-data columns restricted roles never export', () => {
    expect([...personalDataColumns].sort()).toEqual(['date_of_birth', 'display_name', 'effective_name', 'email', 'full_name', 'metadata_json', 'phone']);
  });
});

describe('who may manage an operator of a given role', () => {
  const cases: [Role, Role, boolean][] = [
    ['OWNER', 'OWNER', true],
    ['OWNER', 'ADMIN', true],
    ['OWNER', 'READER', true],
    ['ADMIN', 'OWNER', false],
    ['ADMIN', 'ADMIN', true],
    ['ADMIN', 'COMPLIANCE_OFFICER', true],
    ['ADMIN', 'DEVELOPER', true],
    ['ADMIN', 'READER', true],
  ];
  for (const [actor, target, allowed] of cases) {
    it(`${allowed ? 'lets' : 'does not let'} ${actor} manage ${target}`, () => {
      expect(canManageOperator(actor, target)).toBe(allowed);
    });
  }

  for (const actor of ['COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'] as Role[]) {
    it(`does not let ${actor} manage anyone, not even a READER`, () => {
      for (const target of roles) expect(canManageOperator(actor, target)).toBe(false);
    });
  }
});
