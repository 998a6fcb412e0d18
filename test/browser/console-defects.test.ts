import { describe, expect, it } from 'vitest';
import { saveScreenshot, waitForTransitions } from './browser.ts';
import { bigImportCsv } from './fixtures.ts';
import { consoleTestBed } from './console-test-bed.ts';

/** Issue #13's "defects seen": each reproduction, as a new operator met it on the old console. */

async function uploadFile(name: string, text: string): Promise<void> {
  await bed.page.goto('/imports/new');
  await bed.page.getByLabel('Pick a file…').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await bed.page.getByRole('button', { name: 'Upload and check' }).click();
  await bed.page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
}

const bed = consoleTestBed({
  async seed({ api }) {
    await api.users('POST', '/v3/users/create/', { vendor_data: 'never-verified', display_name: 'Nora', full_name: 'Nora Typed-By-Hand', email: 'nora@example.com' });
    await api.addOperator('rita@example.com', 'READER', 'reader-password-1', 'Rita Reader');
  },
});

describe('defects a new operator met (issue #13)', () => {
  it('does not call a never-verified full name "verified"', async () => {
    await bed.page.goto('/users?search=never-verified');
    await bed.page.getByRole('link', { name: 'never-verified' }).click();
    const profile = bed.page.getByRole('region', { name: 'Profile' });
    await profile.getByText('Nora Typed-By-Hand').waitFor();
    const text = (await profile.textContent()) ?? '';
    expect(text).not.toContain('(verified)');
    expect(text).toContain('Not verified yet');
  });

  it('says "1 row", not "1 rows", in the import history', async () => {
    await uploadFile('one-row.csv', 'vendor_data,email\none-row-user,one@example.com\n');
    await bed.page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 60_000 });
    await bed.page.goto('/imports');
    const row = bed.page.locator('table.data-table tbody tr', { hasText: 'one-row.csv' });
    await expect.poll(() => row.textContent()).toContain('1 row · 1 valid · 0 invalid');
    expect(await row.textContent()).not.toContain('1 rows');
  });

  it('names an unknown column in a grammatical sentence', async () => {
    await uploadFile('nickname.csv', 'vendor_data,nickname\nnick-1,Nicky\n');
    // Since the mapping step (#12a) an unknown column is a warning, not a failed file; either way the sentence must read right.
    await bed.page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 30_000 });
    // Since the mapping step (#12a) an unknown column is mapped or reported as a warning; no page says it ungrammatically.
    expect((await bed.page.locator('main').textContent()) ?? '').not.toContain('has column an import');
  });

  it('keeps a 2,100-character vendor_data to a few lines and shows every reason beside the row', async () => {
    const longVendorData = `vd-${'x'.repeat(2_097)}`;
    const header = 'vendor_data,display_name,full_name,email,phone,country,tags,status,metadata_json';
    await uploadFile('wide.csv', `${header}\n${longVendorData},Wide,Wide Person,wide@example.com,+34611111111,ESP,a,ASLEEP,{not json\n`);
    const rowsTable = bed.page.getByRole('region', { name: 'Rows' });
    await rowsTable.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    const viewport = bed.page.viewportSize()!;
    // The vendor_data cell, whatever it holds (the clipped value, or the editor of an invalid cell since #12a).
    const headers = await rowsTable.locator('thead th').allTextContents();
    const vendorDataCell = rowsTable.locator('tbody tr').first().locator('td').nth(headers.indexOf('vendor_data'));
    const box = (await vendorDataCell.boundingBox())!;
    expect(box.height).toBeLessThan(viewport.height / 4);
    expect(box.width).toBeLessThan(viewport.width / 2);
    const fullValue = await vendorDataCell.evaluate(
      // A string body: this project's TypeScript has no DOM types.
      new Function('cell', "const clipped = cell.querySelector('.cell-value-long'); if (clipped) return clipped.title; const input = cell.querySelector('input, textarea'); if (input) return input.value; const edit = cell.querySelector('.cell-edit'); return edit ? edit.textContent : null;") as (cell: unknown) => string | null,
    );
    // The preview API cuts a cell at PREVIEW_CELL_CHARS (issue #9: no preview answer larger than a few MB); what it keeps is shown whole.
    expect(fullValue!.length).toBeGreaterThanOrEqual(1000);
    expect(longVendorData.startsWith(fullValue!.replace(/…$/, ''))).toBe(true);
    // The reasons for status and metadata_json are on screen without scrolling sideways.
    for (const column of ['status', 'metadata_json']) {
      const reason = rowsTable.locator('td.cell-problems .cell-error', { hasText: `${column}:` });
      const reasonBox = (await reason.boundingBox())!;
      expect(reasonBox.x + reasonBox.width).toBeLessThanOrEqual(viewport.width);
    }
  });

  it('shows upload progress in bytes while a large file is sent', async () => {
    const cdp = await bed.context.newCDPSession(bed.page);
    await cdp.send('Network.enable');
    // About 3 MB at 1 MB/s: long enough to watch the bytes go.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    try {
      await bed.page.goto('/imports/new');
      await bed.page.getByLabel('Pick a file…').setInputFiles({ name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from(bigImportCsv(40_000, 'large')) });
      await bed.page.getByRole('button', { name: 'Upload and check' }).click();
      await bed.page.getByText(/^[\d.]+ (KB|MB) of [\d.]+ MB uploaded/).waitFor({ timeout: 20_000 });
      const bar = bed.page.getByRole('progressbar', { name: 'Upload' });
      expect(Number(await bar.getAttribute('aria-valuemax'))).toBeGreaterThan(1_000_000);
      await bed.page.waitForURL(/\/imports\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    }
    await bed.page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 90_000 });
  });

  it('draws the import progress bar at the width its label says once transitions settle', async () => {
    await bed.page.getByRole('button', { name: /Start import of 40,000 valid rows/ }).click();
    const progress = bed.page.getByRole('progressbar', { name: 'Import progress' });
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    await waitForTransitions(bed.page);
    // Read the drawn width and the label in one go, before the next poll moves either.
    const drawn = await bed.page.evaluate<{ share: number; label: number }>(`(() => {
      const track = document.querySelector('.progress-track').getBoundingClientRect().width;
      const fill = document.querySelector('.progress-fill').getBoundingClientRect().width;
      return { share: (fill / track) * 100, label: Number(document.querySelector('.progress-text').textContent.replace('%', '')) };
    })()`);
    expect(Math.abs(drawn.share - drawn.label)).toBeLessThan(1.5);
    await saveScreenshot(bed.page, 'import-progress');
    await bed.page.getByRole('region', { name: 'Import completed' }).waitFor({ timeout: 120_000 });
  });

  it('shows no link-looking "—" for audit entries without details', async () => {
    await bed.page.goto('/audit');
    const login = bed.page.locator('table.data-table tbody tr', { hasText: 'operator.login' }).first();
    await login.waitFor();
    expect(await login.getByRole('button').count()).toBe(0);
    expect(await login.locator('td').last().textContent()).toBe('—');
  });

  it('tells a reader a completed full export is ready but not theirs to download, instead of "Preparing…"', async () => {
    const requested = await bed.api.console<{ id: string }>('POST', `/apps/${bed.roster.appId}/exports`, { filters: {}, columns: ['vendor_data', 'email'] });
    await expect
      .poll(async () => (await bed.api.console<{ status: string }>('GET', `/apps/${bed.roster.appId}/exports/${requested.id}`)).status, { timeout: 60_000 })
      .toBe('completed');
    const reader = await bed.newSession({ as: { email: 'rita@example.com', password: 'reader-password-1' } });
    try {
      await reader.page.goto('/exports');
      const row = reader.page.getByRole('region', { name: 'Recent exports' }).locator('tbody tr').first();
      await row.getByText(/personal-data columns your role may not download/).waitFor();
      expect(await row.textContent()).not.toContain('Preparing');
      expect(reader.problems).toEqual([]);
    } finally {
      await reader.context.close();
    }
  });
});
