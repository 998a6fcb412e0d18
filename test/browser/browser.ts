import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

export const screenshotDir = path.resolve(import.meta.dirname, '../../docs/screenshots');

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** The page's console errors and page errors, as they come. */
  problems: string[];
}

export interface ConsoleBrowser {
  browser: Browser;
  /** A fresh browser profile (its own cookies) whose pages report console errors and page errors. */
  newSession(baseURL: string, options?: BrowserContextOptions): Promise<BrowserSession>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<ConsoleBrowser> {
  // Chromium writes its profile and crash data under HOME.
  const home = mkdtempSync(path.join(os.tmpdir(), 'roster-chromium-home-'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    env: { ...process.env, HOME: home },
  });
  return {
    browser,
    async newSession(baseURL, options = {}) {
      const context = await browser.newContext({ acceptDownloads: true, ...options, baseURL, viewport: options.viewport ?? { width: 1280, height: 860 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      return { context, page, problems };
    },
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until no CSS transition or animation is running (a progress bar sliding to its new width, a
 * spinner excepted: it never ends). A screenshot taken mid-transition shows a bar at 53% under "82%".
 */
export async function waitForTransitions(page: Page): Promise<void> {
  // Polled with page.evaluate, not page.waitForFunction: the latter evaluates its predicate inside the
  // page with eval, which the console's Content-Security-Policy (no 'unsafe-eval') rightly refuses.
  // A string, not a function: this project's TypeScript has no DOM types (the code runs in the page).
  const settled = `document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity).every((a) => a.playState !== 'running')`;
  const deadline = Date.now() + 10_000;
  while (!(await page.evaluate(settled))) {
    if (Date.now() > deadline) throw new Error('CSS transitions still running after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A screenshot for docs/screenshots (what the window shows, or the whole page), taken once the page and its transitions have settled. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => {});
  await waitForTransitions(page);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: options.fullPage ?? false });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core inside the page and returns its serious and critical violations (WCAG 2.x A and AA rules). */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await waitForTransitions(page);
  // Evaluated through the DevTools protocol rather than a <script> tag, which the console's CSP would refuse.
  if (!(await page.evaluate(`'axe' in window`))) await page.evaluate(axeSource);
  const violations = await page.evaluate<{ id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((result) => result.violations)`,
  );
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.slice(0, 5).map((node) => JSON.stringify(node.target)) }));
}

/** Follows a link of the main navigation, as a person does. */
export async function openFromNavigation(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
}

/** Signs in through the sign-in page, as a person does, and waits for the console's navigation (folded behind Menu on a phone). */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main', includeHidden: true }).waitFor({ state: 'attached' });
}

/** Uploads a CSV from the Import page, as a person does, and waits for the import's own page. */
export async function uploadImportFile(page: Page, name: string, content: string): Promise<void> {
  await openFromNavigation(page, 'Import');
  await page.getByLabel('Pick a file…').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
}
