import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type BrowserSession, type ConsoleBrowser, launchBrowser, signIn } from './browser.ts';
import { RosterApi } from './roster-api.ts';
import { type FirstStartRoster, startRosterProcess } from '../support/roster-process.ts';

/**
 * The one set-up of every browser test file: a real `roster start` on a fresh data folder, one Chromium,
 * the owner's API handle, and a browser session (its own cookies) whose console errors are collected.
 * Calling it at the top of a test file registers the hooks; the fields are there once `beforeAll` ran.
 */
export interface ConsoleTestBed {
  readonly roster: FirstStartRoster;
  readonly api: RosterApi;
  readonly browser: ConsoleBrowser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors of `page` so far (emptied by nobody: a test that expects one filters it). */
  readonly problems: string[];
  /** Another browser profile (a second operator, a phone), signed in when `as` is given; the caller closes its context. */
  newSession(options?: SessionOptions): Promise<BrowserSession>;
}

export interface SessionOptions {
  as?: { email: string; password: string };
  viewport?: { width: number; height: number };
  /** A phone: touch, a high-density screen, and the mobile meta viewport honoured. */
  phone?: boolean;
}

export interface ConsoleTestBedOptions {
  /** Runs before the browser session opens: seed users, invite operators, create applications. */
  seed?(bed: Pick<ConsoleTestBed, 'roster' | 'api' | 'browser'>): Promise<void>;
  /** Sign `page` in as the owner before the first test (false: the file's first test signs in itself). Default true. */
  signIn?: boolean;
  /** Fail each test whose page logged a console error or threw. Default true. */
  failOnProblems?: boolean;
  viewport?: { width: number; height: number };
  /** Settings for the roster process (e.g. WEBHOOK_ALLOW_PRIVATE_NETWORKS for a receiver on this machine). */
  env?: Record<string, string>;
}

export function consoleTestBed(options: ConsoleTestBedOptions = {}): ConsoleTestBed {
  let roster: FirstStartRoster | undefined;
  let browser: ConsoleBrowser | undefined;
  let api: RosterApi | undefined;
  let session: BrowserSession | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the console test bed is used before its beforeAll ran');
    return value;
  };

  const bed: ConsoleTestBed = {
    get roster() {
      return ready(roster);
    },
    get api() {
      return ready(api);
    },
    get browser() {
      return ready(browser);
    },
    get context() {
      return ready(session).context;
    },
    get page() {
      return ready(session).page;
    },
    get problems() {
      return ready(session).problems;
    },
    async newSession({ as, viewport, phone = false } = {}) {
      const opened = await ready(browser).newSession(ready(roster).url, phone ? { viewport: viewport ?? { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport });
      if (as) await signIn(opened.page, as.email, as.password);
      return opened;
    },
  };

  beforeAll(async () => {
    [roster, browser] = await Promise.all([startRosterProcess(options.env), launchBrowser()]);
    api = await RosterApi.asOwner(roster);
    await options.seed?.({ roster, api, browser });
    session = await bed.newSession({ as: options.signIn === false ? undefined : roster.owner, viewport: options.viewport });
  });

  if (options.failOnProblems !== false) {
    afterEach(() => {
      expect(session?.problems ?? []).toEqual([]);
    });
  }

  afterAll(async () => {
    await session?.context.close();
    await browser?.close();
    await roster?.stop();
  });

  return bed;
}
