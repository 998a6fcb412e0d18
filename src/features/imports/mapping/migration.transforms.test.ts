import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../../test/harness.ts';
import { importsUrl, previewRows, startAndFinish, usersOf, waitForImport } from '../../../../test/support/imports.ts';
import { settledImport } from '../../../../test/support/import-mapping.ts';

/** Value mapping per column and column combines (issue 20, "less repetition"; docs/vendor-migration.md#value-mapping-and-combines). */

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

const vendorFile = ['Customer ID,Status,First name,Last name', 'c-1,pending,Ana,López', 'c-2,Pending,Bo,', 'c-3,active,Cy,Di'].join('\n');

const put = (tenant: Awaited<ReturnType<typeof createTestTenant>>, id: string, body: object) =>
  roster.app.inject({ method: 'PUT', url: importsUrl(tenant, `/${id}/mapping`), headers: tenant.operators.ADMIN.auth, payload: body });

describe('a value mapping and a combine', () => {
  it('turns a source status into ours and first + last name into full_name, in the preview and the run, and the next file gets both', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const first = await settledImport(roster, tenant, vendorFile);
    expect(first).toMatchObject({ status: 'ready', invalid_rows: 2 });

    const answer = await put(tenant, first.id, {
      values: { Status: { pending: 'FLAGGED' } },
      combines: [{ sources: ['First name', 'Last name'], field: 'full_name' }],
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const ready = await waitForImport(roster, tenant, first.id, ['ready']);
    expect(ready).toMatchObject({ valid_rows: 3, invalid_rows: 0 });
    expect(ready.columns.map(({ samples: _samples, ...column }) => column)).toEqual([
      { source: 'Customer ID', field: 'vendor_data', how: 'synonym' },
      { source: 'Status', field: 'status', how: 'exact', values: { pending: 'FLAGGED' } },
      { source: 'First name', field: 'full_name', how: 'manual', combine: { sources: ['First name', 'Last name'], separator: ' ' } },
      { source: 'Last name', field: null, how: 'manual' },
    ]);
    const rows = await previewRows(roster, tenant, ready.id);
    expect(rows.rows.map((row) => [row.values.Status, row.values['First name']])).toEqual([
      ['FLAGGED', 'Ana López'],
      ['FLAGGED', 'Bo'],
      ['active', 'Cy Di'],
    ]);
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => [user.vendor_data, user.status, user.full_name])).toEqual([
      ['c-1', 'FLAGGED', 'Ana López'],
      ['c-2', 'FLAGGED', 'Bo'],
      ['c-3', 'ACTIVE', 'Cy Di'],
    ]);

    // The next export of the same vendor, headers spelled differently and one column more: nothing to redo.
    const next = await settledImport(roster, tenant, ['customer_id,STATUS,first_name,last_name,Tier', 'c-4,pending,Eve,Fox,gold'].join('\n'));
    expect(next).toMatchObject({ status: 'ready', valid_rows: 1, invalid_rows: 0 });
    expect(next.columns.find((column) => column.source === 'first_name')).toMatchObject({ field: 'full_name', combine: { sources: ['first_name', 'last_name'] } });
    await startAndFinish(roster, tenant, next.id);
    expect((await usersOf(roster, tenant)).find((user) => user.vendor_data === 'c-4')).toMatchObject({ status: 'FLAGGED', full_name: 'Eve Fox' });
  });

  it('refuses what cannot apply with a named error, and changes nothing', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await settledImport(roster, tenant, vendorFile);
    const cases: [object, number, string][] = [
      [{ values: { Tier: { a: 'b' } } }, 422, 'invalid_transform'],
      [{ combines: [{ sources: ['First name', 'Nope'], field: 'full_name' }] }, 422, 'invalid_transform'],
      [{ combines: [{ sources: ['First name', 'Last name'], field: 'password' }] }, 422, 'invalid_transform'],
      [{ combines: [{ sources: ['First name', 'Last name'], field: 'status' }] }, 422, 'duplicate_mapping'],
      [{ combines: [{ sources: ['First name'], field: 'full_name' }] }, 422, 'validation_failed'],
      [{}, 422, 'invalid_mapping'],
      [{ bogus: 1 }, 422, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await put(tenant, ready.id, body);
      expect([JSON.stringify(body), answer.statusCode, answer.json().error.code]).toEqual([JSON.stringify(body), status, code]);
    }
    const after = await roster.ctx.db.selectFrom('imports').select(['status', 'transforms']).where('id', '=', ready.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'ready', transforms: {} });
  });
});
