import { describe, expect, it } from 'vitest';
import { openFromNavigation, saveScreenshot, uploadImportFile } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';

/** The import ledger in the console (docs/import-ledger.md): the diff before running, the start options, the user's history, folding, revert. */

let blockedId: string;

const bed = consoleTestBed({
  async seed({ api }) {
    for (let index = 1; index <= 5; index += 1) {
      await api.users('POST', '/v3/users/create/', { vendor_data: `ledger-${index}`, email: `old${index}@example.com`, country: 'FRA' });
    }
    const blocked = await api.users<{ didit_internal_id: string }>('POST', '/v3/users/create/', { vendor_data: 'ledger-blocked', email: 'blocked@example.com' });
    blockedId = blocked.didit_internal_id;
    await api.users('PATCH', '/v3/users/ledger-blocked/update-status/', { status: 'BLOCKED', reason: 'Chargeback on order 1234' });
  },
});

const file = [
  'vendor_data,email,country,status',
  'ledger-1,new1@example.com,ESP,',
  'ledger-2,new2@example.com,,',
  'ledger-blocked,,,ACTIVE',
  'ledger-new,fresh@example.com,DEU,',
].join('\n');

describe('the import ledger in the console', () => {
  it('shows old → new before running, asks for a reason and consent to unblock, then runs', async () => {
    await uploadImportFile(bed.page, 'customers.csv', file);
    const preview = bed.page.getByRole('region', { name: 'Preview' });
    await preview.waitFor();
    const summary = preview.getByLabel('What the import changes');
    expect(await summary.textContent()).toContain('email on 2 users');
    expect(await summary.textContent()).toContain('country on 1 user');
    expect(await summary.textContent()).toContain('1 user: BLOCKED → ACTIVE');

    const rows = bed.page.getByRole('region', { name: 'Rows' });
    const changed = rows.locator('td.cell-changed', { hasText: 'new1@example.com' });
    expect((await changed.textContent())?.replace(/\s+/g, ' ')).toBe('old1@example.com → new1@example.com');
    await saveScreenshot(bed.page, 'import-diff', { fullPage: true });

    // Start waits, in plain words, for the reason and the tick (issue 20): no API words, no refused start.
    const startButton = preview.getByRole('button', { name: /Start import of 4 valid rows/ });
    expect(await startButton.isDisabled()).toBe(true);
    await preview.getByText(/Give a reason for the status changes, and tick the box to confirm the unblocking before starting/).waitFor();
    await preview.getByLabel(/Why are you changing the status of 1 user/).fill('Chargeback refunded');
    await preview.getByText(/Tick the box to confirm that these users may be unblocked before starting/).waitFor();
    expect(await startButton.isDisabled()).toBe(true);
    expect(await preview.getByText(/allow_unblock/).count()).toBe(0);
    await preview.getByLabel(/Yes, unblock 1 user/).check();
    await startButton.click();
    expect(bed.problems.splice(0).filter((problem) => problem.includes('/start'))).toEqual([]);
    const result = bed.page.getByRole('region', { name: 'Import completed' });
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getByRole('list', { name: 'Result counts' }).textContent()).toBe('1Created3Updated0Unchanged0Skipped');
  });

  it("tells each change in the user's history, newest first", async () => {
    await bed.page.goto(`/users/${blockedId}`);
    const history = bed.page.getByRole('region', { name: 'History' });
    await history.getByText('Status changed by import customers.csv: status BLOCKED → ACTIVE (reason: Chargeback refunded)').waitFor();
    const lines = await history.locator('li strong').allTextContents();
    expect(lines[0]).toContain('by import customers.csv');
    expect(lines[1]).toContain('Chargeback on order 1234');
  });

  it('folds the per-user entries under the import in the audit log, expandable', async () => {
    await openFromNavigation(bed.page, 'Audit log');
    const expand = bed.page.getByRole('button', { name: 'Show 4 user changes' });
    await expand.click();
    const children = bed.page.getByRole('list', { name: '4 user changes' });
    await children.waitFor();
    expect(await children.textContent()).toContain('email old1@example.com → new1@example.com');
    expect(await bed.page.locator('tr:not(.details-row) > td > code', { hasText: /^user\.updated$/ }).count()).toBe(0);
    await saveScreenshot(bed.page, 'audit-folded');
  });

  it('reverts the import after showing what it will restore, delete and leave', async () => {
    await openFromNavigation(bed.page, 'Import history');
    await bed.page.getByRole('link', { name: 'customers.csv' }).first().click();
    const result = bed.page.getByRole('region', { name: 'Import completed' });
    await result.getByRole('button', { name: 'Revert this import…' }).click();
    await result.getByText('Reverting restores 3 users, deletes 1 user this import created, and leaves 0 changes as they are').waitFor();
    await result.getByRole('button', { name: 'Revert the import' }).click();
    await result.getByText('3 users restored · 1 user deleted · 0 conflicts left as they are').waitFor({ timeout: 60_000 });
    await saveScreenshot(bed.page, 'import-reverted');
  });
});
