import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { exportColumns, guardFormula } from '../../shared/user-columns.ts';
import { inlineParameters, sqlLiteral } from './export-query.ts';
import { download, parseExportCsv, requestExportAs, type SeedUser, seedUsers, waitForExport } from '../../../test/support/exports.ts';

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});

afterAll(async () => {
  await roster?.close();
});

async function exportFile(tenant: TestTenant, body: Record<string, unknown> = {}) {
  const { statusCode, json } = await requestExportAs(roster, tenant.operators.OWNER.auth, tenant.appId, body);
  expect(statusCode).toBe(202);
  const done = await waitForExport(roster, tenant.operators.OWNER.auth, tenant.appId, json.id);
  expect(done).toMatchObject({ status: 'completed', error: null });
  const response = await download(roster, done.download_url!);
  expect(response.statusCode).toBe(200);
  return { done, response, raw: response.rawPayload, ...parseExportCsv(response.body) };
}

const trickyUsers: SeedUser[] = [
  {
    vendor_data: 'acc-001',
    display_name: 'Zoë "Zed" O\'Brien',
    full_name: 'José Ñúñez, Jr.',
    date_of_birth: '1990-02-28',
    email: 'zoe@example.com',
    phone: '+34600123456',
    country: 'ESP',
    status: 'FLAGGED',
    tags: ['vip', 'migrated'],
    metadata: { nested: { list: [1, 'ü', { deep: null }] }, emoji: '🙂', quote: 'say "hi"', formula: '=1+1' },
    session_count: 3,
    approved_count: 2,
    declined_count: 1,
    in_review_count: 0,
    first_session_at: '2026-03-04T05:06:07.891999Z',
    last_session_at: '2026-03-05T00:00:00Z',
    last_activity_at: '2026-03-06T23:59:59.999Z',
    created_at: '2026-01-01T00:00:00.000Z',
  },
  { vendor_data: '=HYPERLINK("http://evil.example")', display_name: '+1 555 0100', full_name: 'Line one\nLine two', created_at: '2026-01-02T00:00:00Z' },
  { vendor_data: '-42', display_name: '-minus', full_name: '@mention', tags: ['-x', 'y'], created_at: '2026-01-03T00:00:00Z' },
  { vendor_data: '+7', display_name: "'quoted", full_name: '\tTabbed', phone: '+442079460958', created_at: '2026-01-04T00:00:00Z' },
  { vendor_data: '-0.5', display_name: '\rCarriage', full_name: '中文名字', created_at: '2026-01-05T00:00:00Z' },
  { vendor_data: 'plain', display_name: '', full_name: 'Only Full', metadata: {}, created_at: '2026-01-06T00:00:00Z' },
  { vendor_data: '+', display_name: '-', full_name: '1e5', created_at: '2026-01-07T00:00:00Z' },
  { vendor_data: '+1.', display_name: '+1.5', full_name: '--1', created_at: '2026-01-08T00:00:00Z' },
  { vendor_data: 'first-tag-formula', tags: ['=cmd', 'x'], metadata: ['=x'] as unknown as Record<string, unknown>, created_at: '2026-01-09T00:00:00Z' },
  { vendor_data: 'scalar-metadata', tags: ['9lives', '-x'], metadata: -5 as unknown as Record<string, unknown>, created_at: '2026-01-10T00:00:00Z' },
];

type Row = Awaited<ReturnType<typeof loadUsers>>[number];

async function loadUsers(appId: string) {
  return roster.ctx.db.selectFrom('users').selectAll().where('app_id', '=', appId).orderBy('created_at').orderBy('didit_internal_id').execute();
}

/** What each cell must hold, computed independently of the SQL that writes it. */
function expectedCell(user: Row, column: (typeof exportColumns)[number]): string {
  const text = (value: string | null) => guardFormula(value ?? '');
  const time = (value: Date | null) => (value ? value.toISOString() : '');
  switch (column) {
    case 'didit_internal_id':
      return user.didit_internal_id;
    case 'effective_name':
      return text(user.display_name || user.full_name);
    case 'date_of_birth':
      return user.date_of_birth ?? '';
    case 'tags':
      return text(user.tags.join(','));
    case 'metadata_json':
      return text(JSON.stringify(user.metadata));
    case 'session_count':
    case 'approved_count':
    case 'declined_count':
    case 'in_review_count':
      return String(user[column]);
    case 'first_session_at':
    case 'last_session_at':
    case 'last_activity_at':
    case 'created_at':
    case 'updated_at':
      return time(user[column]);
    default:
      return text(user[column]);
  }
}

describe('the export file', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTestTenant(roster.ctx);
    await seedUsers(roster.ctx, tenant.appId, trickyUsers);
  });

  it('starts with a UTF-8 BOM and the header of column names', async () => {
    const { raw, bom, header, response } = await exportFile(tenant);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bom).toBe(true);
    expect(header).toEqual([...exportColumns]);
    expect(response.body.slice(1).split('\n')[0]).toBe(exportColumns.join(','));
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="users-export-.+\.csv"/);
  });

  it('holds every user once, oldest first, with every cell formatted and guarded as the contract says', async () => {
    const { rows, done } = await exportFile(tenant);
    const users = await loadUsers(tenant.appId);
    expect(done.row_count).toBe(users.length);
    expect(rows).toHaveLength(users.length);
    rows.forEach((row, index) => {
      const user = users[index];
      for (const column of exportColumns) {
        if (column === 'metadata_json') {
          expect(JSON.parse(row[column])).toEqual(user.metadata);
          expect(row[column]).not.toMatch(/\\u[0-9a-f]{4}/);
        } else {
          expect({ column, cell: row[column] }).toEqual({ column, cell: expectedCell(user, column) });
        }
      }
    });
  });

  it('quotes fields the RFC 4180 way and guards formulas at the start of any cell', async () => {
    const { response, rows } = await exportFile(tenant, { columns: ['vendor_data', 'display_name', 'full_name', 'tags'] });
    expect(response.body).toContain('"Zoë ""Zed"" O\'Brien"');
    expect(response.body).toContain('"José Ñúñez, Jr."');
    expect(response.body).toContain('"Line one\nLine two"');
    const byVendor = Object.fromEntries(rows.map((row) => [row.vendor_data, row]));
    expect(byVendor['\'=HYPERLINK("http://evil.example")'].display_name).toBe("'+1 555 0100");
    expect(byVendor['-42']).toMatchObject({ display_name: "'-minus", full_name: "'@mention", tags: "'-x,y" });
    expect(byVendor['+7']).toMatchObject({ display_name: "''quoted", full_name: "'\tTabbed" });
    expect(byVendor['-0.5']).toMatchObject({ display_name: "'\rCarriage", full_name: '中文名字' });
    expect(byVendor["'+"]).toMatchObject({ display_name: "'-", full_name: '1e5' });
    expect(byVendor["'+1."]).toMatchObject({ display_name: '+1.5', full_name: "'--1" });
  });

  it('writes timestamps in UTC with milliseconds and counters as integers', async () => {
    const { rows } = await exportFile(tenant, { columns: ['vendor_data', 'first_session_at', 'last_session_at', 'last_activity_at', 'session_count'], filters: { search: 'acc-001' } });
    expect(rows).toEqual([
      { vendor_data: 'acc-001', first_session_at: '2026-03-04T05:06:07.891Z', last_session_at: '2026-03-05T00:00:00.000Z', last_activity_at: '2026-03-06T23:59:59.999Z', session_count: '3' },
    ]);
  });

  it('is just the header when no user matches, with a row count of 0', async () => {
    const { rows, header, done, response } = await exportFile(tenant, { filters: { search: 'matches-nobody' }, columns: ['vendor_data', 'status'] });
    expect(done.row_count).toBe(0);
    expect(header).toEqual(['vendor_data', 'status']);
    expect(rows).toEqual([]);
    expect(response.body).toBe('\uFEFFvendor_data,status\n');
  });

  it('keeps the columns in the order asked for', async () => {
    const { header } = await exportFile(tenant, { columns: ['status', 'vendor_data', 'didit_internal_id'] });
    expect(header).toEqual(['status', 'vendor_data', 'didit_internal_id']);
  });
});

describe('export filters', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTestTenant(roster.ctx);
    const statuses = ['ACTIVE', 'FLAGGED', 'BLOCKED'] as const;
    const countries = ['ESP', 'FRA', 'USA', null];
    await seedUsers(
      roster.ctx,
      tenant.appId,
      Array.from({ length: 60 }, (_, i) => ({
        vendor_data: `f-${String(i).padStart(3, '0')}${i % 7 === 0 ? '_under%score' : ''}`,
        display_name: i % 5 === 0 ? `Ana ${i}` : `Bea ${i}`,
        email: i % 4 === 0 ? `ANA${i}@example.com` : null,
        status: statuses[i % 3],
        country: countries[i % 4],
        tags: i % 2 === 0 ? ['even', `t${i % 5}`] : [],
        created_at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      })),
    );
  });

  async function listedVendorData(query: string): Promise<string[]> {
    const seen: string[] = [];
    let url = `/api/console/apps/${tenant.appId}/users?page_size=200&${query}`;
    for (;;) {
      const response = await roster.app.inject({ method: 'GET', url, headers: tenant.operators.OWNER.auth });
      expect(response.statusCode).toBe(200);
      const page = response.json();
      seen.push(...page.results.map((user: { vendor_data: string }) => user.vendor_data));
      if (!page.next) return seen.sort();
      url = `/api/console/apps/${tenant.appId}/users?page_size=200&${query}&cursor=${encodeURIComponent(page.next)}`;
    }
  }

  const cases: { name: string; filters: Record<string, unknown>; query: string }[] = [
    { name: 'status', filters: { status: ['FLAGGED', 'blocked'] }, query: 'status=FLAGGED&status=blocked' },
    { name: 'country', filters: { country: ['esp', 'USA'] }, query: 'country=esp&country=USA' },
    { name: 'tags (any of)', filters: { tags: ['t1', 't3'] }, query: 'tags=t1&tags=t3' },
    { name: 'search across names and email, case-insensitive', filters: { search: 'ana' }, query: 'search=ana' },
    { name: 'search with LIKE wildcards taken literally', filters: { search: '_under%' }, query: `search=${encodeURIComponent('_under%')}` },
    { name: 'created_after / created_before', filters: { created_after: '2026-01-10', created_before: '2026-02-01T00:00:00Z' }, query: 'created_after=2026-01-10&created_before=2026-02-01T00:00:00Z' },
    { name: 'everything at once', filters: { status: ['ACTIVE'], tags: ['even'], created_after: '2026-01-05' }, query: 'status=ACTIVE&tags=even&created_after=2026-01-05' },
  ];

  for (const { name, filters, query } of cases) {
    it(`select exactly the users the list shows: ${name}`, async () => {
      const { rows, done } = await exportFile(tenant, { filters, columns: ['vendor_data'] });
      const exported = rows.map((row) => row.vendor_data).sort();
      const listed = await listedVendorData(query);
      expect(listed.length).toBeGreaterThan(0);
      expect(exported).toEqual(listed);
      expect(done.row_count).toBe(listed.length);
    });
  }

  it('treat hostile search strings as data, never as SQL', async () => {
    const hostile = ["'); DROP TABLE users; --", "\\'; SELECT pg_sleep(5); --", '$1 $2 $$ $tag$', "O'Brien\\", '%', '"; DELETE FROM exports; --'];
    await seedUsers(roster.ctx, tenant.appId, hostile.map((text, index) => ({ vendor_data: `hostile-${index}-${text}` })));
    for (const [index, text] of hostile.entries()) {
      const { rows, done } = await exportFile(tenant, { filters: { search: text }, columns: ['vendor_data'] });
      expect(done.status).toBe('completed');
      expect(rows.map((row) => row.vendor_data)).toContain(guardFormula(`hostile-${index}-${text}`));
      for (const row of rows) expect(row.vendor_data).toContain(text);
    }
    const count = await roster.ctx.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('app_id', '=', tenant.appId).executeTakeFirstOrThrow();
    expect(count.n).toBe(60 + hostile.length);
  });
});

describe('filter values inlined into the COPY statement', () => {
  it('come back from PostgreSQL exactly as they went in', async () => {
    const values = ["'); DROP TABLE users; --", "\\'", '\\\\', '$1', "it''s", '\n\r\t', 'ünï©ødé 🙂', "E'x'", '$$', '--'];
    const statement = inlineParameters(`SELECT ${values.map((_, index) => `$${index + 1}::text AS v${index}`).join(', ')}`, values);
    const { rows } = await roster.ctx.database.pool.query(statement);
    expect(Object.values(rows[0])).toEqual(values);
  });

  it('never substitute a parameter inside an inlined value', () => {
    expect(inlineParameters('SELECT $1, $2', ['$2', 'x'])).toBe("SELECT '$2', 'x'");
  });

  it('refuse values PostgreSQL text cannot hold, and kinds filters never produce', () => {
    expect(() => sqlLiteral('a\u0000b')).toThrow(TypeError);
    expect(() => sqlLiteral({ toString: () => "'" })).toThrow(TypeError);
    expect(() => inlineParameters('SELECT $2', ['only one'])).toThrow(RangeError);
  });
});
