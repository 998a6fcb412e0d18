import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchBrowser, saveScreenshot, seriousAxeViolations, signIn } from './browser.ts';
import { drawFacePng, importCsv, seedUsers, seedVerifiedUser } from './fixtures.ts';
import { RosterApi } from './roster-api.ts';
import { type FirstStartRoster, startRosterProcess } from '../support/roster-process.ts';

/** Every page, on a desktop and on a 390 px phone: axe-core finds nothing serious, nothing scrolls sideways. */

let roster: FirstStartRoster;
let consoleBrowser: ConsoleBrowser;
let context: BrowserContext;
let page: Page;
let problems: string[];
let userId: string;
let importId: string;

beforeAll(async () => {
  [roster, consoleBrowser] = await Promise.all([startRosterProcess(), launchBrowser()]);
  const api = await RosterApi.asOwner(roster);
  await seedUsers(api, 30);
  const scratch = await consoleBrowser.browser.newPage();
  const face = await drawFacePng(scratch);
  await scratch.close();
  userId = await seedVerifiedUser(api, roster, face);
  await api.console('POST', `/apps/${roster.appId}/exports`, { filters: { status: ['FLAGGED'] } });
  const form = new FormData();
  form.append('file', new Blob([importCsv()], { type: 'text/csv' }), 'a11y.csv');
  const token = await (await fetch(`${roster.url}/api/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(roster.owner) })).headers.get('set-cookie');
  const created = await fetch(`${roster.url}/api/console/apps/${roster.appId}/imports`, { method: 'POST', body: form, headers: { cookie: /roster_session=[^;]+/.exec(token ?? '')![0], origin: roster.url } });
  importId = ((await created.json()) as { id: string }).id;
  ({ context, page, problems } = await consoleBrowser.newSession(roster.url));
  await signIn(page, roster.owner.email, roster.owner.password);
});

afterAll(async () => {
  await context?.close();
  await consoleBrowser?.close();
  await roster?.stop();
});

const pages: { path: string; ready: (page: Page) => Promise<unknown>; screenshot?: string }[] = [
  { path: '/', ready: (p) => p.getByRole('heading', { name: 'Users by status' }).waitFor(), screenshot: 'overview' },
  { path: '/users', ready: (p) => p.locator('table.data-table tbody tr').first().waitFor(), screenshot: 'users' },
  { path: '/users/USER', ready: (p) => p.getByRole('region', { name: 'Profile' }).waitFor() },
  { path: '/imports/new', ready: (p) => p.getByRole('heading', { name: 'Import users' }).waitFor() },
  { path: '/imports/IMPORT', ready: (p) => p.getByRole('region', { name: 'Rows' }).waitFor({ timeout: 60_000 }) },
  { path: '/imports', ready: (p) => p.locator('table.data-table tbody tr').first().waitFor() },
  { path: '/imports/faces', ready: (p) => p.getByRole('heading', { name: 'Import faces' }).waitFor() },
  { path: '/exports', ready: (p) => p.getByRole('region', { name: 'Recent exports' }).waitFor() },
  { path: '/audit', ready: (p) => p.locator('table.data-table tbody tr').first().waitFor() },
  { path: '/settings', ready: (p) => p.getByRole('region', { name: 'Members' }).waitFor() },
];

const resolve = (path: string) => path.replace('USER', userId).replace('IMPORT', importId);

/** How far the page scrolls sideways, and the outermost elements that stick out (to say what to fix). */
async function pageOverflow(target: Page): Promise<{ pixels: number; culprits: string[] }> {
  return target.evaluate<{ pixels: number; culprits: string[] }>(`(() => {
    const width = document.documentElement.clientWidth;
    const culprits = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > width + 1 && !(element.parentElement && element.parentElement.getBoundingClientRect().right > width + 1))
      .slice(0, 4)
      .map((element) => element.tagName.toLowerCase() + '.' + [...element.classList].join('.'));
    return { pixels: document.documentElement.scrollWidth - width, culprits };
  })()`);
}

describe('accessibility and small screens', () => {
  it('has no serious or critical axe-core violation on any page, on a desktop', async () => {
    const found: Record<string, unknown> = {};
    for (const entry of pages) {
      await page.goto(resolve(entry.path));
      await entry.ready(page);
      const violations = await seriousAxeViolations(page);
      if (violations.length) found[entry.path] = violations;
    }
    expect(found).toEqual({});
    expect(problems).toEqual([]);
  });

  it('is usable at 390 px: navigation folds behind Menu, nothing scrolls sideways, axe stays clean', async () => {
    const phone = await consoleBrowser.browser.newContext({ baseURL: roster.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const phonePage = await phone.newPage();
    try {
      await signIn(phonePage, roster.owner.email, roster.owner.password).catch(async () => {
        // The navigation is folded on a phone: signed in once the Menu button shows.
        await phonePage.getByRole('button', { name: 'Menu' }).waitFor();
      });
      const menu = phonePage.getByRole('button', { name: 'Menu' });
      await menu.waitFor();
      const navigation = phonePage.getByRole('navigation', { name: 'Main' });
      expect(await navigation.isVisible()).toBe(false);
      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await navigation.getByRole('link', { name: 'Users', exact: true }).click();
      await phonePage.locator('table.data-table tbody tr').first().waitFor();
      expect(await navigation.isVisible()).toBe(false);

      const found: Record<string, unknown> = {};
      const overflow: Record<string, unknown> = {};
      for (const entry of pages) {
        await phonePage.goto(resolve(entry.path));
        await entry.ready(phonePage);
        const sideways = await pageOverflow(phonePage);
        if (sideways.pixels > 1) overflow[entry.path] = sideways;
        const violations = await seriousAxeViolations(phonePage);
        if (violations.length) found[entry.path] = violations;
        if (entry.screenshot) await saveScreenshot(phonePage, `${entry.screenshot}-phone`);
      }
      expect(overflow).toEqual({});
      expect(found).toEqual({});
    } finally {
      await phone.close();
    }
  });

  it('can be used from the keyboard: skip link first, then the navigation', async () => {
    await page.goto('/users');
    await page.locator('table.data-table tbody tr').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('main');
    // Sort headers and row checkboxes are buttons and inputs, so Tab reaches them.
    let reached = false;
    for (let step = 0; step < 40 && !reached; step += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>(`document.activeElement?.classList.contains('sort-button') ?? false`);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=/);
  });

  it('takes the overview screenshot once its charts have drawn', async () => {
    await page.goto('/');
    await page.locator('.chart-canvas svg').first().waitFor();
    expect(await page.locator('.chart-canvas svg[role="img"]').count()).toBe(3);
    await saveScreenshot(page, 'overview', { fullPage: true });
  });
});
