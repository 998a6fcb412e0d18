import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openFromNavigation, saveScreenshot } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';
import { seedUsers } from './fixtures.ts';

// The Changes page (the application's change feed, newest first, redacted by role) and the export
// page's format, compression and incremental choices (docs/change-feed.md, docs/warehouse.md).
const reader = { email: 'rhea@example.com', password: 'reader-password-1' };

const bed = consoleTestBed({
  async seed({ api }) {
    await seedUsers(api, 3);
    await api.users('PATCH', '/v3/users/customer-0002/', { email: 'changed.address@example.com' });
    await api.addOperator(reader.email, 'READER', reader.password, 'Rhea Reader');
  },
});

describe('the Changes page', () => {
  it('shows the feed newest first, with what changed and where it came from', async () => {
    await openFromNavigation(bed.page, 'Changes');
    await bed.page.getByRole('heading', { name: 'Changes', exact: true }).waitFor();
    const rows = bed.page.locator('table.data-table tbody tr');
    await rows.first().waitFor();
    // Three creates and one update.
    expect(await rows.count()).toBe(4);
    const seqs = (await rows.locator('td:first-child').allTextContents()).map(Number);
    expect(seqs).toEqual([4, 3, 2, 1]);
    const newest = (await rows.first().textContent()) ?? '';
    expect(newest).toContain('Updated');
    expect(newest).toContain('customer-0002');
    expect(newest).toContain('users API');
    expect(newest).toMatch(/email \S+@example\.com → changed\.address@example\.com/);
    expect(await rows.nth(3).textContent()).toContain('Created');
    await saveScreenshot(bed.page, 'changes', { fullPage: true });
  });

  it('withholds personal values from a READER, naming the fields', async () => {
    const session = await bed.newSession({ as: reader });
    try {
      await openFromNavigation(session.page, 'Changes');
      const rows = session.page.locator('table.data-table tbody tr');
      await rows.first().waitFor();
      const newest = (await rows.first().textContent()) ?? '';
      expect(newest).toContain('customer-0002');
      expect(newest).toContain('email hidden for your role');
      expect(newest).not.toContain('changed.address@example.com');
      expect(await session.page.locator('table.data-table').textContent()).not.toContain('@example.com');
      expect(session.problems).toEqual([]);
    } finally {
      await session.context.close();
    }
  });
});

describe('the export page', () => {
  it('exports JSON Lines with gzip, then Parquet with only what changed since that export', async () => {
    await openFromNavigation(bed.page, 'Export');
    const form = bed.page.getByRole('form', { name: /What to export/ });
    const history = bed.page.getByRole('region', { name: 'Recent exports' });
    // No completed export yet: "since the last export" cannot be chosen.
    expect(await form.getByRole('radio', { name: /since the last export/ }).isDisabled()).toBe(true);
    await form.getByLabel('Format').selectOption('jsonl');
    await form.getByLabel('Compression').selectOption('gzip');
    await form.getByRole('button', { name: 'Request export' }).click();
    const jsonl = history.getByRole('link', { name: 'Download JSON Lines' });
    await jsonl.waitFor({ timeout: 90_000 });
    const firstRow = history.locator('tbody tr').first();
    expect(await firstRow.textContent()).toContain('JSON Lines, gzip; all users, as of seq 4');

    // One more change after the snapshot, then the incremental export carries exactly it.
    await bed.api.users('PATCH', '/v3/users/customer-0003/', { display_name: 'Renamed After Snapshot' });
    await form.getByRole('radio', { name: /since the last export/ }).check();
    expect(await form.textContent()).toContain('as of seq 4');
    await form.getByLabel('Format').selectOption('parquet');
    // Parquet compresses inside: gzip cannot be chosen with it.
    expect(await form.getByLabel('Compression').isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Request export' }).click();
    const parquet = history.getByRole('link', { name: 'Download Parquet' });
    await parquet.waitFor({ timeout: 90_000 });
    expect(await history.locator('tbody tr').first().textContent()).toContain('Parquet; changes after seq 4, as of seq 5');
    expect(await history.locator('tbody tr').first().locator('td.numeric').textContent()).toBe('1');
    const [file] = await Promise.all([bed.page.waitForEvent('download'), parquet.click()]);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    await saveScreenshot(bed.page, 'export-incremental', { fullPage: true });
  });

  it('refuses a seq ahead of the feed with the server\'s reason', async () => {
    const form = bed.page.getByRole('form', { name: /What to export/ });
    await form.getByRole('radio', { name: /since seq/ }).check();
    await form.getByLabel('Since seq', { exact: true }).fill('999');
    await form.getByRole('button', { name: 'Request export' }).click();
    await form.getByText(/ahead of the change feed/).waitFor();
    // The browser logs the refused request (422) as a console error: that one is expected here, and only it.
    const refused = bed.problems.filter((problem) => problem.includes('status of 422') && problem.includes('/exports'));
    expect(refused).toHaveLength(1);
    bed.problems.splice(bed.problems.indexOf(refused[0]!), 1);
  });
});
