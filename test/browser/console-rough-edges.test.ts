import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';
import { seedManyUsers } from './fixtures.ts';

/**
 * Issue #18, "measured" 5: the console on a 1366 px desktop and a 390 px phone over an application of
 * 210,000+ users. No page is wider than the screen, no axis label is clipped, the audit log's Details and
 * an import's user changes stay in view, the mapping's dropdowns are on screen, and unknown, forbidden
 * and broken addresses each get a page that says what happened.
 */

const MANY_USERS = 210_000;
const reader = { email: 'rita@example.com', password: 'reader-password-1' };
let jsonUserId = '';
let mappingImportId = '';
let downloadUrl = '';

/** Polls (in a set-up, where expect.poll is not available) until a job reaches `wanted`. */
async function untilStatus(fetchStatus: () => Promise<string>, wanted: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  let status = await fetchStatus();
  while (status !== wanted) {
    if (Date.now() > deadline) throw new Error(`still ${status} after 90 s, waiting for ${wanted}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    status = await fetchStatus();
  }
}

const bed = consoleTestBed({
  async seed({ roster, api }) {
    await seedManyUsers(roster, MANY_USERS);
    // A history entry carrying JSON without spaces (a replaced metadata object): it must wrap on a phone.
    const user = await api.users<{ didit_internal_id: string }>('POST', '/v3/users/create/', { vendor_data: 'json-history', email: 'json@example.com' });
    jsonUserId = user.didit_internal_id;
    await api.users('PATCH', '/v3/users/json-history/', { metadata: { plan: 'p'.repeat(90), nested: { list: ['a'.repeat(40), 'b'.repeat(40)] } } });
    // A run import: its audit line folds "Show 30 user changes" with long e-mail addresses.
    const rows = ['vendor_data,email,country'];
    for (let index = 1; index <= 30; index += 1) rows.push(`bulk-${String(index).padStart(7, '0')},renamed.${index}.with-a-rather-long-address@example-company.com,ESP`);
    const run = await api.upload<{ id: string }>(`/apps/${roster.appId}/imports`, 'customers-with-a-long-file-name.csv', rows.join('\n'));
    await untilStatus(async () => (await api.console<{ status: string }>('GET', `/apps/${roster.appId}/imports/${run.id}`)).status, 'ready');
    await api.console('POST', `/apps/${roster.appId}/imports/${run.id}/start`);
    await untilStatus(async () => (await api.console<{ status: string }>('GET', `/apps/${roster.appId}/imports/${run.id}`)).status, 'completed');
    // A file without vendor_data waits for its mapping.
    const legacy = 'Customer,E-mail,Mobile,Country,A column header far longer than any field name\nlegacy-001,ana@example.com,06 12 34 56 78,FR,x\n';
    mappingImportId = (await api.upload<{ id: string }>(`/apps/${roster.appId}/imports`, 'legacy-export.csv', legacy)).id;
    await untilStatus(async () => (await api.console<{ status: string }>('GET', `/apps/${roster.appId}/imports/${mappingImportId}`)).status, 'needs_mapping');
    const exported = await api.console<{ id: string }>('POST', `/apps/${roster.appId}/exports`, { filters: { search: 'json-history' }, columns: ['vendor_data', 'email'] });
    await untilStatus(async () => (await api.console<{ status: string }>('GET', `/apps/${roster.appId}/exports/${exported.id}`)).status, 'completed');
    downloadUrl = (await api.console<{ download_url: string }>('GET', `/apps/${roster.appId}/exports/${exported.id}`)).download_url;
    await api.addOperator(reader.email, 'READER', reader.password, 'Rita Reader');
  },
  viewport: { width: 1366, height: 800 },
});

/** Each main page, and what shows it has drawn. */
const mainPages: { path: () => string; ready: (page: Page) => Promise<unknown> }[] = [
  { path: () => '/', ready: (page) => page.locator('.chart-canvas svg').nth(2).waitFor() },
  { path: () => '/users', ready: (page) => page.getByText(/about 210K users|210,0\d\d users/).waitFor() },
  { path: () => `/users/${jsonUserId}`, ready: (page) => page.locator('.timeline li').first().waitFor() },
  { path: () => '/imports/new', ready: (page) => page.getByRole('heading', { name: 'Import users' }).waitFor() },
  { path: () => '/imports', ready: (page) => page.locator('table.data-table tbody tr').first().waitFor() },
  { path: () => `/imports/${mappingImportId}`, ready: (page) => page.getByRole('region', { name: 'Map the columns' }).waitFor() },
  { path: () => '/imports/faces', ready: (page) => page.getByRole('heading', { name: 'Import faces' }).waitFor() },
  { path: () => '/exports', ready: (page) => page.getByRole('region', { name: 'Recent exports' }).waitFor() },
  { path: () => '/audit', ready: (page) => page.locator('table.data-table tbody tr').first().waitFor() },
  { path: () => '/settings', ready: (page) => page.getByRole('region', { name: 'Members' }).waitFor() },
];

/** How far each page scrolls sideways beyond the screen (documentElement.scrollWidth − the viewport's width). */
async function sidewaysOverflow(page: Page): Promise<Record<string, number>> {
  const width = page.viewportSize()!.width;
  const found: Record<string, number> = {};
  for (const entry of mainPages) {
    await page.goto(entry.path());
    await entry.ready(page);
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    if (scrollWidth > width) found[entry.path()] = scrollWidth - width;
  }
  return found;
}

/**
 * Chart axis labels not seen whole: text reaching past the chart's edge, or lying over another label.
 * (Chartist's label boxes clip unless the console lets them overflow, which it does: a label's own box
 * is no measure then, its place in the chart is.)
 */
async function clippedAxisLabels(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('.chart-canvas svg')].flatMap((svg) => {
    const chart = svg.getBoundingClientRect();
    const labels = [...svg.querySelectorAll('foreignObject')].flatMap((box) => {
      const label = box.firstElementChild;
      if (getComputedStyle(box).overflow !== 'visible') return [{ text: label.textContent, clipped: true }];
      const range = document.createRange();
      range.selectNodeContents(label);
      const rect = range.getBoundingClientRect();
      // A pixel of slack: the text's box includes the glyphs' side bearings and the line's leading.
      const outside = rect.left < chart.left - 1 || rect.right > chart.right + 1 || rect.top < chart.top - 1 || rect.bottom > chart.bottom + 1;
      return rect.width === 0 ? [] : [{ text: label.textContent, rect, clipped: outside }];
    });
    const overlaps = (a, b) => a.rect && b.rect && a.rect.left < b.rect.right - 1 && b.rect.left < a.rect.right - 1 && a.rect.top < b.rect.bottom - 1 && b.rect.top < a.rect.bottom - 1;
    return labels.filter((label) => label.clipped || labels.some((other) => other !== label && overlaps(label, other))).map((label) => label.text);
  })`);
}

/** Elements matching `selector` that reach past the right edge of the box that scrolls them (or of the screen). */
async function cutOffAtRight(page: Page, selector: string): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll(${JSON.stringify(selector)})].flatMap((element) => {
    const wrap = element.closest('.table-wrap');
    const edge = Math.min(wrap ? wrap.getBoundingClientRect().right : Infinity, document.documentElement.clientWidth);
    const box = element.getBoundingClientRect();
    return box.right > edge + 0.5 || element.scrollWidth > element.clientWidth + 0.5 ? [element.textContent.slice(0, 60)] : [];
  })`);
}

describe('the console over 210,000 users, on a desktop and on a phone', () => {
  it('draws every chart axis label whole at 1366 px and at 390 px', async () => {
    await bed.page.goto('/');
    await mainPages[0].ready(bed.page);
    expect(await clippedAxisLabels(bed.page)).toEqual([]);
    expect(await bed.page.locator('.chart-canvas .ct-label').allTextContents()).toContain('200K');
    await saveScreenshot(bed.page, 'overview-large');
    const phone = await bed.newSession({ as: bed.roster.owner, phone: true });
    try {
      await phone.page.goto('/');
      await mainPages[0].ready(phone.page);
      expect(await clippedAxisLabels(phone.page)).toEqual([]);
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });

  it('has no page wider than the screen at 1366 px', async () => {
    expect(await sidewaysOverflow(bed.page)).toEqual({});
  });

  it('has no page wider than the screen at 390 px, the user page with its JSON history included', async () => {
    const phone = await bed.newSession({ as: bed.roster.owner, phone: true });
    try {
      expect(await sidewaysOverflow(phone.page)).toEqual({});
      await phone.page.goto(`/users/${jsonUserId}`);
      await mainPages[2].ready(phone.page);
      await saveScreenshot(phone.page, 'user-phone');
      await phone.page.goto(`/imports/${mappingImportId}`);
      await mainPages[5].ready(phone.page);
      expect(await cutOffAtRight(phone.page, '.mapping-table select')).toEqual([]);
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });

  it("keeps the audit log's Details and an import's expanded user changes in view at 1366 px", async () => {
    const { page } = bed;
    await page.goto('/audit');
    await page.locator('table.data-table tbody tr').first().waitFor();
    expect(await cutOffAtRight(page, 'table.data-table tbody td:last-child > *')).toEqual([]);
    await page.getByRole('button', { name: 'Show 30 user changes' }).click();
    const changes = page.getByRole('list', { name: '30 user changes' });
    await changes.locator('li').nth(29).waitFor();
    expect(await cutOffAtRight(page, '.audit-children li')).toEqual([]);
    expect(await cutOffAtRight(page, 'table.data-table tbody td:last-child > *')).toEqual([]);
  });

  it("keeps the mapping table's dropdowns on screen at 1366 px", async () => {
    await bed.page.goto(`/imports/${mappingImportId}`);
    await mainPages[5].ready(bed.page);
    expect(await bed.page.locator('.mapping-table select').count()).toBe(5);
    expect(await cutOffAtRight(bed.page, '.mapping-table select')).toEqual([]);
  });

  it('says a console address names no page, instead of showing the overview', async () => {
    await bed.page.goto('/no-such-page/at-all');
    await bed.page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(new URL(bed.page.url()).pathname).toBe('/no-such-page/at-all');
    expect(await bed.page.getByRole('main').textContent()).toContain('/no-such-page/at-all');
    await bed.page.getByRole('link', { name: 'Go to the overview' }).click();
    await bed.page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('tells a reader in words why /imports/new is not theirs, without sending the refused request', async () => {
    const session = await bed.newSession({ as: reader });
    const refused: string[] = [];
    session.page.on('response', (response) => {
      if (response.status() === 403) refused.push(`${response.request().method()} ${new URL(response.url()).pathname}`);
    });
    try {
      await session.page.goto('/imports/new');
      await session.page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
      expect(await session.page.getByRole('main').textContent()).toContain('Your role, Reader, may not import users.');
      await saveScreenshot(session.page, 'forbidden-page');
      expect(refused).toEqual([]);
      expect(session.problems).toEqual([]);
    } finally {
      await session.context.close();
    }
  });

  it('answers an altered download link with a page in words, not JSON', async () => {
    const link = new URL(downloadUrl, bed.roster.url);
    const altered = new URL(`${link.pathname}${link.search}`, bed.roster.url);
    const signature = altered.searchParams.get('sig')!;
    altered.searchParams.set('sig', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    const session = await bed.newSession();
    try {
      const response = await session.page.goto(altered.toString());
      expect(response?.status()).toBe(403);
      await session.page.getByRole('heading', { name: 'This link does not work' }).waitFor();
      const text = (await session.page.textContent('body')) ?? '';
      expect(text).toMatch(/link is not valid/);
      expect(text).not.toContain('{"error"');
      await session.page.getByRole('link', { name: 'Export in the Roster console' }).waitFor();
      // A script still gets the API's JSON error.
      const scripted = await fetch(altered, { headers: { accept: 'application/json' } });
      expect(((await scripted.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    } finally {
      await session.context.close();
    }
  });
});
