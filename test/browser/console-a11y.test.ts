import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot, seriousAxeViolations } from './browser.ts';
import { drawFacePng, importCsv, seedUsers, seedVerifiedUser } from './fixtures.ts';
import { consoleTestBed } from './console-test-bed.ts';

/** Every page, on a desktop and on a 390 px phone: axe-core finds nothing serious, nothing scrolls sideways. */

let userId: string;
let importId: string;

const bed = consoleTestBed({
  async seed({ roster, api, browser }) {
    await seedUsers(api, 30);
    userId = await seedVerifiedUser(api, roster, await drawFacePng(browser.browser));
    await api.console('POST', `/apps/${roster.appId}/exports`, { filters: { status: ['FLAGGED'] } });
    importId = (await api.upload<{ id: string }>(`/apps/${roster.appId}/imports`, 'a11y.csv', importCsv())).id;
  },
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
      await bed.page.goto(resolve(entry.path));
      await entry.ready(bed.page);
      const violations = await seriousAxeViolations(bed.page);
      if (violations.length) found[entry.path] = violations;
    }
    expect(found).toEqual({});
    expect(bed.problems).toEqual([]);
  });

  it('is usable at 390 px: navigation folds behind Menu, nothing scrolls sideways, axe stays clean', async () => {
    const phone = await bed.newSession({ as: bed.roster.owner, phone: true });
    const phonePage = phone.page;
    try {
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
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });

  it('can be used from the keyboard: skip link first, then the navigation', async () => {
    await bed.page.goto('/users');
    await bed.page.locator('table.data-table tbody tr').first().waitFor();
    await bed.page.keyboard.press('Tab');
    expect(await bed.page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await bed.page.keyboard.press('Enter');
    expect(await bed.page.evaluate<string>('document.activeElement.id')).toBe('main');
    // Sort headers and row checkboxes are buttons and inputs, so Tab reaches them.
    let reached = false;
    for (let step = 0; step < 40 && !reached; step += 1) {
      await bed.page.keyboard.press('Tab');
      reached = await bed.page.evaluate<boolean>(`document.activeElement?.classList.contains('sort-button') ?? false`);
    }
    expect(reached).toBe(true);
    await bed.page.keyboard.press('Enter');
    await bed.page.waitForURL(/sort=/);
  });

  it('takes the overview screenshot once its charts have drawn', async () => {
    await bed.page.goto('/');
    await bed.page.locator('.chart-canvas svg').first().waitFor();
    expect(await bed.page.locator('.chart-canvas svg[role="img"]').count()).toBe(3);
    await saveScreenshot(bed.page, 'overview', { fullPage: true });
  });
});
