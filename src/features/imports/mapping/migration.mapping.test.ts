import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../../test/harness.ts';
import type { Role } from '../../../db/schema.ts';
import { importsUrl, previewRows, startAndFinish, usersOf, waitForImport } from '../../../../test/support/imports.ts';
import { patchRow, postFixes, putMapping, settledImport } from '../../../../test/support/import-mapping.ts';

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

const fresh = () => createTestTenant(roster.ctx);

describe('headers measured in issue 12', () => {
  it('maps "Vendor Data,E-mail,Mobile,Country" instead of failing with unknown_columns', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'Vendor Data,E-mail,Mobile,Country\nm-1,ana@example.com,+33612345678,FRA\nm-2,bo@example.com,,ESP\n');
    expect(ready).toMatchObject({ status: 'ready', error: null, valid_rows: 2, warnings: [] });
    expect(ready.columns).toEqual([
      { source: 'Vendor Data', field: 'vendor_data', how: 'exact', samples: ['m-1', 'm-2'] },
      { source: 'E-mail', field: 'email', how: 'exact', samples: ['ana@example.com', 'bo@example.com'] },
      { source: 'Mobile', field: 'phone', how: 'synonym', samples: ['+33612345678'] },
      { source: 'Country', field: 'country', how: 'exact', samples: ['FRA', 'ESP'] },
    ]);
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => [user.vendor_data, user.email, user.phone, user.country])).toEqual([
      ['m-1', 'ana@example.com', '+33612345678', 'FRA'],
      ['m-2', 'bo@example.com', null, 'ESP'],
    ]);
  });

  it('maps "external_id,email" instead of failing with missing_vendor_data_column', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'external_id,email\next-1,a@example.com\n');
    expect(ready).toMatchObject({ status: 'ready', valid_rows: 1 });
    expect(ready.columns[0]).toMatchObject({ source: 'external_id', field: 'vendor_data', how: 'synonym' });
  });
});

describe('a file with no vendor_data column', () => {
  it('waits in needs_mapping with its columns and samples; PUT mapping validates it again and the application remembers', async () => {
    const tenant = await fresh();
    const file = 'Customer,Mail,Tier\nc-1,c1@example.com,gold\nc-2,c2@example.com,silver\n';
    const waiting = await settledImport(roster, tenant, file);
    expect(waiting).toMatchObject({ status: 'needs_mapping', error: null, total_rows: 0 });
    expect(waiting.columns).toEqual([
      { source: 'Customer', field: null, how: 'none', samples: ['c-1', 'c-2'] },
      { source: 'Mail', field: 'email', how: 'synonym', samples: ['c1@example.com', 'c2@example.com'] },
      { source: 'Tier', field: null, how: 'none', samples: ['gold', 'silver'] },
    ]);
    const start = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${waiting.id}/start`), headers: tenant.operators.ADMIN.auth });
    expect(start.statusCode).toBe(409);

    const put = await putMapping(roster, tenant, waiting.id, { Customer: 'vendor_data', Tier: 'metadata.tier' });
    expect(put.statusCode).toBe(200);
    expect(put.json().status).toBe('validating');
    const ready = await waitForImport(roster, tenant, waiting.id, ['ready']);
    expect(ready.columns.map((column) => [column.source, column.field, column.how])).toEqual([
      ['Customer', 'vendor_data', 'manual'],
      ['Mail', 'email', 'synonym'],
      ['Tier', 'metadata.tier', 'manual'],
    ]);
    expect(ready).toMatchObject({ valid_rows: 2, warnings: [] });
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => [user.vendor_data, user.email, user.metadata])).toEqual([
      ['c-1', 'c1@example.com', { tier: 'gold' }],
      ['c-2', 'c2@example.com', { tier: 'silver' }],
    ]);

    // The next file with the same headers (in another order) arrives mapped.
    const next = await settledImport(roster, tenant, 'tier,customer,mail\nplatinum,c-3,c3@example.com\n');
    expect(next.status).toBe('ready');
    expect(next.columns.map((column) => [column.source, column.field, column.how])).toEqual([
      ['tier', 'metadata.tier', 'saved'],
      ['customer', 'vendor_data', 'saved'],
      ['mail', 'email', 'synonym'],
    ]);
    // Another application does not share it.
    const other = await fresh();
    expect((await settledImport(roster, other, 'Customer,Mail,Tier\nc-1,c1@example.com,gold\n')).status).toBe('needs_mapping');
  });

  it('leaves an unmapped column out with a warning instead of failing the file', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'vendor_data,Loyalty Tier\nl-1,gold\n');
    expect(ready).toMatchObject({ status: 'ready', valid_rows: 1 });
    expect(ready.warnings).toEqual([{ code: 'column_not_imported', column: 'Loyalty Tier', message: expect.any(String) }]);
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant))[0]!.metadata).toEqual({});
  });

  it('answers a header-only file without vendor_data with needs_mapping too', async () => {
    const tenant = await fresh();
    expect(await settledImport(roster, tenant, 'name,email\n')).toMatchObject({ status: 'needs_mapping', columns: [{ source: 'name', field: 'display_name' }, { source: 'email', field: 'email' }] });
  });
});

describe('PUT mapping refuses', () => {
  it('an unknown field, a header the file lacks, two headers on one field (422), and an import that is not ready (409)', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'vendor_data,mail,other\nv-1,a@example.com,x\n');
    const cases: [Record<string, string | null>, string][] = [
      [{ other: 'nickname' }, 'invalid_mapping'],
      [{ other: 'metadata.' }, 'invalid_mapping'],
      [{ Nope: 'email' }, 'unknown_column'],
      [{ other: 'email', mail: 'email' }, 'duplicate_mapping'],
    ];
    for (const [mapping, code] of cases) {
      const response = await putMapping(roster, tenant, ready.id, mapping);
      expect([JSON.stringify(mapping), response.statusCode, response.json().error.code]).toEqual([JSON.stringify(mapping), 422, code]);
    }
    const bad = await roster.app.inject({ method: 'PUT', url: importsUrl(tenant, `/${ready.id}/mapping`), headers: tenant.operators.ADMIN.auth, payload: { mapping: 'email' } });
    expect([bad.statusCode, bad.json().error.code]).toEqual([422, 'validation_failed']);
    await startAndFinish(roster, tenant, ready.id);
    const late = await putMapping(roster, tenant, ready.id, { other: null });
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'invalid_state']);
  });

  it('records import.mapping_changed in the audit log', async () => {
    const tenant = await fresh();
    const waiting = await settledImport(roster, tenant, 'Customer\nc-1\n');
    await putMapping(roster, tenant, waiting.id, { Customer: 'vendor_data' });
    await waitForImport(roster, tenant, waiting.id, ['ready']);
    const entries = await roster.ctx.db.selectFrom('audit_logs').selectAll().where('target_id', '=', waiting.id).where('action', '=', 'import.mapping_changed').execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_id: tenant.operators.ADMIN.id, details: { mapping: { Customer: 'vendor_data' } } });
  });
});

describe('roles and tenancy', () => {
  it('answers 403 to DEVELOPER and READER, and 404 for another organization, on mapping, fixes and row edits', async () => {
    const tenant = await fresh();
    const other = await fresh();
    const ready = await settledImport(roster, tenant, 'vendor_data,country\nv-1,FR\n');
    for (const role of ['DEVELOPER', 'READER'] as Role[]) {
      expect((await putMapping(roster, tenant, ready.id, { country: null }, role)).statusCode).toBe(403);
      expect((await postFixes(roster, tenant, ready.id, ['country_alpha2'], role)).statusCode).toBe(403);
      expect((await patchRow(roster, tenant, ready.id, 1, { country: 'FRA' }, role)).statusCode).toBe(403);
    }
    expect((await putMapping(roster, other, ready.id, { country: null }, 'OWNER')).statusCode).toBe(404);
    expect((await postFixes(roster, other, ready.id, ['country_alpha2'], 'OWNER')).statusCode).toBe(404);
    expect((await patchRow(roster, other, ready.id, 1, { country: 'FRA' }, 'OWNER')).statusCode).toBe(404);
    const rows = await previewRows(roster, tenant, ready.id);
    expect(rows.rows[0]!.values).toEqual({ vendor_data: 'v-1', country: 'FR' });
  });
});
