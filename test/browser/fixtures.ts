import pg from 'pg';
import type { Browser } from 'playwright-core';
import type { RosterApi } from './roster-api.ts';
import type { FirstStartRoster } from '../support/roster-process.ts';

const countries = ['ESP', 'FRA', 'DEU', 'ITA', 'PRT', 'NLD'];
const firstNames = ['Ana', 'Luis', 'Marta', 'Jonas', 'Chloé', 'Pietro', 'Inês', 'Daan', 'Sofía', 'Lena'];
const lastNames = ['López', 'Martin', 'Schmidt', 'Rossi', 'Silva', 'de Vries', 'García', 'Bernard'];

/** Users created through the users API, enough for more than one page of 50. */
export async function seedUsers(api: RosterApi, count: number): Promise<void> {
  for (let index = 1; index <= count; index += 1) {
    const first = firstNames[index % firstNames.length];
    const last = lastNames[index % lastNames.length];
    await api.users('POST', '/v3/users/create/', {
      vendor_data: `customer-${String(index).padStart(4, '0')}`,
      display_name: `${first} ${last}`,
      email: `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${index}@example.com`,
      country: countries[index % countries.length],
      status: index % 17 === 0 ? 'BLOCKED' : index % 7 === 0 ? 'FLAGGED' : 'ACTIVE',
      tags: index % 3 === 0 ? ['vip'] : index % 5 === 0 ? ['migrated', 'newsletter'] : [],
    });
  }
}

/** A face picture drawn by the browser itself (on a page of its own), so the upload is a real PNG. */
export async function drawFacePng(browser: Browser): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.setContent(`<body style="margin:0"><svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160">
    <rect width="160" height="160" fill="#dbe7f3"/><circle cx="80" cy="70" r="38" fill="#f1c9a5"/>
    <circle cx="66" cy="64" r="5" fill="#333"/><circle cx="94" cy="64" r="5" fill="#333"/>
    <path d="M64 86 Q80 98 96 86" stroke="#333" stroke-width="4" fill="none"/>
    <rect x="36" y="118" width="88" height="42" rx="20" fill="#2f5d8a"/></svg></body>`);
    const png = await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 160, height: 160 } });
    return png.toString('base64');
  } finally {
    await page.close();
  }
}

/** A verified user with a session history and a face, for the detail page. */
export async function seedVerifiedUser(api: RosterApi, roster: FirstStartRoster, faceBase64: string): Promise<string> {
  const user = await api.users<{ didit_internal_id: string }>('POST', '/v3/users/create/', {
    vendor_data: 'verified-0001',
    display_name: 'Ana',
    email: 'ana.lopez@example.com',
    phone: '+34600123456',
    country: 'ESP',
    tags: ['vip', 'migrated'],
    metadata: { tier: 'gold', source: 'web' },
  });
  await api.users('POST', '/v3/users/verified-0001/sessions/', { session_id: 'session-1', status: 'DECLINED' });
  await api.users('POST', '/v3/users/verified-0001/sessions/', {
    session_id: 'session-2',
    status: 'APPROVED',
    full_name: 'Ana María López',
    date_of_birth: '1990-04-12',
    issuing_state: 'ESP',
  });
  await api.users('POST', `/v3/organization/${roster.orgId}/application/${roster.appId}/vendor-users/by-id/${user.didit_internal_id}/faces/upload/`, {
    image: faceBase64,
    comment: 'selfie at onboarding',
  });
  return user.didit_internal_id;
}

/** An import file with two invalid rows among valid ones, one of them an update of a seeded user. */
export function importCsv(): string {
  return [
    'vendor_data,display_name,full_name,email,phone,country,status,tags,metadata_json',
    'import-0001,Bruno,Bruno Díaz,bruno@example.com,+34611111111,ESP,ACTIVE,"vip,imported",{"tier":"silver"}',
    'import-0002,Carla,,carla@example.com,,FRA,ACTIVE,imported,',
    'import-0003,Dora,,not-an-email,,DEU,ACTIVE,,',
    'import-0004,Emil,,emil@example.com,,XX,ACTIVE,,',
    'import-0005,Fatou,,fatou@example.com,+221771234567,SEN,FLAGGED,imported,',
    'customer-0001,Renamed by import,,,,,,,',
  ].join('\n');
}

/** A migration-sized file: every row valid and new, so the run takes long enough to watch. */
export function bigImportCsv(rows: number, prefix = 'migrated'): string {
  const lines = ['vendor_data,display_name,email,country,tags'];
  for (let index = 1; index <= rows; index += 1) {
    lines.push(`${prefix}-${String(index).padStart(6, '0')},Migrated user ${index},${prefix}.${index}@example.com,${countries[index % countries.length]},migrated`);
  }
  return lines.join('\n');
}

/**
 * `count` users written straight into the database in one INSERT … SELECT (about 200,000 a few seconds;
 * through the API it would take minutes), spread over the last 30 days, six countries and three statuses,
 * so the overview's axes carry six-digit figures. The planner's statistics are refreshed after, as the
 * product does after its own bulk writes (src/features/users/users-statistics.ts).
 */
export async function seedManyUsers(roster: FirstStartRoster, count: number, prefix = 'bulk'): Promise<void> {
  const client = new pg.Client({ connectionString: roster.databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO users (app_id, vendor_data, display_name, email, country, status, tags, created_at)
       SELECT $1::uuid, $2 || '-' || lpad(n::text, 7, '0'), 'Bulk user ' || n, $2 || '.' || n || '@example.com',
              (ARRAY['ESP','FRA','DEU','ITA','PRT','NLD'])[1 + n % 6],
              CASE WHEN n % 17 = 0 THEN 'BLOCKED' WHEN n % 7 = 0 THEN 'FLAGGED' ELSE 'ACTIVE' END,
              CASE WHEN n % 3 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END,
              now() - (n % 30) * interval '1 day' - (n % 1440) * interval '1 minute'
         FROM generate_series(1, $3::int) AS n`,
      [roster.appId, prefix, count],
    );
    await client.query('ANALYZE users');
  } finally {
    await client.end();
  }
}
