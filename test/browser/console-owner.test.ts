import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openFromNavigation, saveScreenshot } from './browser.ts';
import { bigImportCsv, drawFacePng, importCsv, seedUsers, seedVerifiedUser } from './fixtures.ts';
import { mailsTo } from '../outbox.ts';
import { consoleTestBed } from './console-test-bed.ts';

const bed = consoleTestBed({
  async seed({ roster, api, browser }) {
    await seedUsers(api, 60);
    await seedVerifiedUser(api, roster, await drawFacePng(browser.browser));
  },
  // The first test signs in, as a person does.
  signIn: false,
});

describe('the console, for an owner', () => {
  it('signs in with email and password and always shows who is signed in', async () => {
    await bed.page.goto('/');
    await bed.page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    await bed.page.getByLabel('Email').fill(bed.roster.owner.email);
    await saveScreenshot(bed.page, 'sign-in');
    await bed.page.getByLabel('Password').fill(bed.roster.owner.password);
    await bed.page.getByRole('button', { name: 'Sign in' }).click();

    const header = bed.page.getByRole('banner');
    await header.getByText('Demo owner').waitFor();
    expect(await header.textContent()).toContain('Demo organization');
    expect(await header.textContent()).toContain('Owner');
    const navigation = await bed.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(navigation).toEqual(['Overview', 'Users', 'Changes', 'Import', 'Import history', 'Export', 'Scheduled exports', 'Audit log', 'Settings', 'Privacy', 'Webhooks']);
  });

  it('lists users fifty at a time, pages with Next and Previous, and filters them', async () => {
    await openFromNavigation(bed.page, 'Users');
    const rows = bed.page.locator('table.data-table tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await saveScreenshot(bed.page, 'users');

    await bed.page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => rows.count()).toBe(11);
    expect(await bed.page.getByText('Page 2').count()).toBe(1);
    await bed.page.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => rows.count()).toBe(50);

    await bed.page.getByLabel('Search').fill('customer-0007');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('customer-0007');
    await bed.page.getByRole('button', { name: 'Clear filters' }).click();
    // Clearing rewrites the URL; let the page settle before the next filter, or the re-render undoes the click.
    await expect.poll(() => rows.count()).toBe(50);

    // The search box settles a moment after the URL is cleared; a click in that window can be undone by
    // its re-render, so the box is ticked until it stays ticked.
    await expect.poll(() => new URL(bed.page.url()).search).toBe('');
    const blocked = bed.page.getByRole('checkbox', { name: 'Blocked' });
    await expect.poll(async () => {
      await blocked.check({ timeout: 1_000 }).catch(() => {});
      return blocked.isChecked();
    }).toBe(true);
    await expect.poll(() => rows.count()).toBe(3);
    for (const status of await rows.locator('td[data-label="Status"]').allTextContents()) expect(status).toBe('BLOCKED');
    await bed.page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(50);
  });

  it('opens a user with every field, its faces, counters and history, and changes its status with a reason', async () => {
    await bed.page.getByLabel('Search').fill('verified-0001');
    await bed.page.getByRole('link', { name: 'verified-0001' }).click();
    await bed.page.getByRole('heading', { name: 'Ana' }).waitFor();
    const profile = bed.page.getByRole('region', { name: 'Profile' });
    expect(await profile.textContent()).toContain('Ana María López');
    expect(await profile.textContent()).toContain('+34600123456');
    const face = bed.page.getByRole('img', { name: 'Face: selfie at onboarding' });
    await face.waitFor();
    // The thumbnail loaded from its signed link: the browser knows its real width.
    const loadedWidth = () => face.evaluate((image) => ((image as unknown as { complete: boolean }).complete ? (image as unknown as { naturalWidth: number }).naturalWidth : 0));
    await expect.poll(loadedWidth).toBe(160);
    expect(await bed.page.getByRole('list', { name: 'Verification sessions' }).textContent()).toContain('2Sessions1Approved1Declined');

    await bed.page.getByLabel('New status').selectOption('FLAGGED');
    await bed.page.getByRole('region', { name: 'Change status' }).getByLabel('Reason').fill('Document looked edited');
    await bed.page.getByRole('button', { name: 'Change status' }).click();
    await bed.page.getByText('Status changed to FLAGGED.').waitFor();
    const history = bed.page.getByRole('region', { name: 'History' });
    await history.getByText('user.status_changed').waitFor();
    expect(await history.textContent()).toContain('Document looked edited');
    await saveScreenshot(bed.page, 'user-detail', { fullPage: true });
  });

  it('imports a file: shows why rows are invalid before anything changes, then runs it to the end', async () => {
    await openFromNavigation(bed.page, 'Import');
    const [template] = await Promise.all([bed.page.waitForEvent('download'), bed.page.getByRole('link', { name: 'Download the template' }).click()]);
    expect((await readFile((await template.path())!)).toString('utf8')).toContain('vendor_data,display_name,full_name,email');

    await bed.page.getByLabel('Pick a file…').setInputFiles({ name: 'new-customers.csv', mimeType: 'text/csv', buffer: Buffer.from(importCsv()) });
    await bed.page.getByText('new-customers.csv').waitFor();
    await saveScreenshot(bed.page, 'import-upload');
    await bed.page.getByRole('button', { name: 'Upload and check' }).click();
    await bed.page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    const preview = bed.page.getByRole('region', { name: 'Preview' });
    await preview.waitFor();
    expect(await preview.getByRole('list', { name: 'Preview counts' }).textContent()).toBe('6Rows4Valid2Invalid3To create1To update0Unchanged');

    const rowsTable = bed.page.getByRole('region', { name: 'Rows' });
    const invalidCell = rowsTable.locator('td.cell-invalid', { hasText: 'not-an-email' });
    expect(await invalidCell.textContent()).toContain('is not an email address');
    expect(await rowsTable.locator('td.cell-invalid', { hasText: 'XX' }).textContent()).toContain('is not an ISO 3166-1 alpha-3 country code');
    await rowsTable.getByLabel('Invalid (2)').check();
    await expect.poll(() => rowsTable.locator('tbody tr').count()).toBe(2);
    await saveScreenshot(bed.page, 'import-preview', { fullPage: true });

    const [report] = await Promise.all([bed.page.waitForEvent('download'), preview.getByRole('link', { name: 'Download error report' }).click()]);
    const reportLines = (await readFile((await report.path())!)).toString('utf8').trim().split(/\r?\n/);
    expect(reportLines).toHaveLength(3);
    expect(reportLines[1]).toMatch(/^4,3,invalid_email,/);

    await preview.getByRole('button', { name: 'Start import of 4 valid rows' }).click();
    const result = bed.page.getByRole('region', { name: 'Import completed' });
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getByRole('list', { name: 'Result counts' }).textContent()).toBe('3Created1Updated0Unchanged2Skipped');
    await saveScreenshot(bed.page, 'import-result');
  });

  it('says in words why a file cannot be read, and changes nothing', async () => {
    await bed.page.goto('/imports/new');
    const binary = Buffer.concat([Buffer.from('vendor_data,email\n'), Buffer.from([0x00, 0x01, 0x02, 0x89, 0x50, 0x4e, 0x47])]);
    await bed.page.getByLabel('Pick a file…').setInputFiles({ name: 'photo.csv', mimeType: 'text/csv', buffer: binary });
    await bed.page.getByRole('button', { name: 'Upload and check' }).click();
    const failure = bed.page.getByRole('region', { name: 'The file could not be read' });
    await failure.waitFor({ timeout: 30_000 });
    expect((await failure.getByRole('alert').textContent())?.length).toBeGreaterThan(10);
    expect(await bed.page.getByRole('region', { name: 'Rows' }).count()).toBe(0);
  });

  it('shows the progress of a running import, and picks it up again after the tab is closed and reopened', async () => {
    await bed.page.goto('/imports/new');
    await bed.page.getByLabel('Pick a file…').setInputFiles({ name: 'full-migration.csv', mimeType: 'text/csv', buffer: Buffer.from(bigImportCsv(60_000)) });
    await bed.page.getByRole('button', { name: 'Upload and check' }).click();
    await bed.page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 90_000 });
    const importUrl = bed.page.url();
    await bed.page.getByRole('button', { name: /Start import of 60,000 valid rows/ }).click();
    const progress = bed.page.getByRole('progressbar', { name: 'Import progress' });
    await progress.waitFor();
    // The bar moves while rows are written (one poll a second), and never past the total.
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    expect(Number(await progress.getAttribute('aria-valuenow'))).toBeLessThan(60_000);
    await saveScreenshot(bed.page, 'import-progress');

    // Closing the tab does not stop the import; opening its link again shows where it is.
    await bed.page.goto('about:blank');
    await bed.page.goto(importUrl);
    await bed.page.getByRole('region', { name: 'Import completed' }).waitFor({ timeout: 120_000 });
    expect(await bed.page.getByRole('list', { name: 'Result counts' }).textContent()).toBe('60,000Created0Updated0Unchanged0Skipped');
  });

  it('cancels a running import, keeping what was written and saying how far it got', async () => {
    await bed.page.goto('/imports/new');
    await bed.page.getByLabel('Pick a file…').setInputFiles({ name: 'second-migration.csv', mimeType: 'text/csv', buffer: Buffer.from(bigImportCsv(60_000, 'second')) });
    await bed.page.getByRole('button', { name: 'Upload and check' }).click();
    await bed.page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 90_000 });
    await bed.page.getByRole('button', { name: /Start import of 60,000 valid rows/ }).click();
    await bed.page.getByRole('button', { name: 'Cancel import' }).click();
    const cancelled = bed.page.getByRole('region', { name: 'Import cancelled' });
    await cancelled.waitFor({ timeout: 60_000 });
    expect(await cancelled.textContent()).toMatch(/[\d,]+ of 60,000 rows processed/);
    expect(await cancelled.textContent()).not.toContain('60,000 of 60,000');
  });

  it('lists imports newest first with who, when, status, counts and links', async () => {
    await openFromNavigation(bed.page, 'Import history');
    const rows = bed.page.locator('table.data-table tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.nth(0).textContent()).toContain('second-migration.csv');
    expect(await rows.nth(0).textContent()).toContain('cancelled');
    expect(await rows.nth(1).textContent()).toContain('full-migration.csv');
    expect(await rows.nth(2).textContent()).toContain('photo.csv');
    const firstImport = rows.nth(3);
    expect(await firstImport.textContent()).toContain('new-customers.csv');
    expect(await firstImport.textContent()).toContain('Demo owner');
    expect(await firstImport.textContent()).toContain('3 created · 1 updated · 0 unchanged · 2 skipped');
    expect(await firstImport.getByRole('link', { name: 'Error report' }).count()).toBe(1);
    await saveScreenshot(bed.page, 'import-history');
  });

  it('finds an imported user and opens it', async () => {
    await openFromNavigation(bed.page, 'Users');
    await bed.page.getByLabel('Search').fill('import-0001');
    await bed.page.getByRole('link', { name: 'import-0001' }).click();
    const profile = bed.page.getByRole('region', { name: 'Profile' });
    await profile.waitFor();
    expect(await profile.textContent()).toContain('bruno@example.com');
    expect(await profile.textContent()).toContain('imported');
    expect(await profile.textContent()).toContain('silver');
  });

  it('requests a filtered export with chosen columns and downloads it once ready', async () => {
    await openFromNavigation(bed.page, 'Export');
    const form = bed.page.getByRole('form', { name: /What to export/ });
    await form.getByRole('checkbox', { name: 'Flagged' }).check();
    await form.getByRole('button', { name: 'Clear', exact: true }).click();
    for (const column of ['vendor_data', 'email', 'country', 'status', 'tags']) await form.getByRole('checkbox', { name: new RegExp(`\\b${column}$`) }).check();
    await form.getByRole('button', { name: 'Request export' }).click();
    await bed.page.getByText(/Export requested/).waitFor();

    const history = bed.page.getByRole('region', { name: 'Recent exports' });
    const download = history.getByRole('link', { name: 'Download CSV' });
    await download.waitFor({ timeout: 60_000 });
    expect(await history.locator('tbody tr').first().textContent()).toContain('Also emailed to owner@example.com');
    const [file] = await Promise.all([bed.page.waitForEvent('download'), download.click()]);
    const text = (await readFile((await file.path())!)).toString('utf8');
    const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('vendor_data,email,country,status,tags');
    // Seeded users 7, 14, …, 56, verified-0001 (flagged above) and import-0005 (imported flagged).
    expect(lines.length - 1).toBe(10);
    for (const line of lines.slice(1)) expect(line).toContain('FLAGGED');
    await saveScreenshot(bed.page, 'export', { fullPage: true });
  });

  it('shows the audit log with readable details and filters it by action', async () => {
    await openFromNavigation(bed.page, 'Audit log');
    await bed.page.getByLabel('Action').fill('user.status_changed');
    await bed.page.getByRole('button', { name: 'Apply' }).click();
    const rows = bed.page.locator('table.data-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await bed.page.getByRole('button', { name: 'Details' }).first().click();
    const details = bed.page.locator('.details-row');
    expect(await details.textContent()).toContain('Document looked edited');
    await bed.page.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    await bed.page.getByRole('button', { name: 'Details' }).first().click();
    await saveScreenshot(bed.page, 'audit-log');
  });

  it('invites a member who joins through the emailed link, changes their role, and creates an API key shown once with a copy button', async () => {
    await openFromNavigation(bed.page, 'Settings');
    const members = bed.page.getByRole('region', { name: 'Members' });
    await members.getByLabel('Email').fill('carol@example.com');
    await members.getByLabel('Name', { exact: true }).fill('Carol Compliance');
    await members.getByLabel('Role', { exact: true }).selectOption('COMPLIANCE_OFFICER');
    await members.getByRole('button', { name: 'Send invitation' }).click();
    await members.getByText('Invitation sent to carol@example.com.').waitFor();

    // Carol opens the link from her email in her own browser, chooses a password and is signed in.
    const [mail] = await mailsTo(bed.roster.dataDir, 'carol@example.com');
    const link = /http\S+\/invitation#token=[A-Za-z0-9_-]+/.exec(mail.text ?? '')![0];
    const carol = await bed.newSession();
    try {
      await carol.page.goto(link.slice(link.indexOf('/invitation')));
      await carol.page.getByText('carol@example.com').waitFor();
      await carol.page.getByLabel('Choose a password').fill('carols-password-1');
      await carol.page.getByLabel('Repeat the password').fill('carols-password-1');
      await carol.page.getByRole('button', { name: 'Join and sign in' }).click();
      await carol.page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(carol.problems).toEqual([]);
    } finally {
      await carol.context.close();
    }

    await bed.page.reload();
    await members.getByLabel('Role of carol@example.com').selectOption('ADMIN');
    await expect.poll(() => members.getByLabel('Role of carol@example.com').inputValue()).toBe('ADMIN');

    const keys = bed.page.getByRole('region', { name: /API keys of/ });
    await keys.getByLabel('Name').fill('billing backend');
    await keys.getByRole('button', { name: 'Create API key' }).click();
    const secret = keys.getByTestId('new-secret');
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/^rk_/);
    expect(await keys.getByRole('button', { name: 'Copy' }).count()).toBe(1);
    expect(await keys.locator('tbody tr').count()).toBe(2);
    await saveScreenshot(bed.page, 'settings');
  });

  it('signs out back to the sign-in page', async () => {
    await bed.page.getByRole('button', { name: 'Sign out' }).click();
    await bed.page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    await bed.page.reload();
    await bed.page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
  });
});
