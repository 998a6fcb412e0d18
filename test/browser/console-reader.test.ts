import { beforeAll, describe, expect, it } from 'vitest';
import { openFromNavigation, saveScreenshot } from './browser.ts';
import { seedUsers } from './fixtures.ts';
import { consoleTestBed } from './console-test-bed.ts';

const personalDataColumns = ['full_name', 'display_name', 'effective_name', 'date_of_birth', 'email', 'phone', 'metadata_json'];

const consoleRequests: string[] = [];

const bed = consoleTestBed({
  async seed({ api }) {
    await seedUsers(api, 5);
    await api.addOperator('rita@example.com', 'READER', 'reader-password-1', 'Rita Reader');
    await api.console('POST', '/apps', { name: 'Second application' });
  },
  // The first test signs in with the keyboard.
  signIn: false,
});

beforeAll(() => {
  bed.page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/console/')) consoleRequests.push(`${request.method()} ${url.pathname}`);
  });
});

describe('the console, for a reader', () => {
  it('signs in with the keyboard alone', async () => {
    await bed.page.goto('/');
    // The email field has focus on arrival (once React has rendered); Tab moves to the password, Enter submits.
    await expect.poll(() => bed.page.locator('#sign-in-email').evaluate((input) => input === (input as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
    await bed.page.keyboard.type('rita@example.com');
    await bed.page.keyboard.press('Tab');
    await bed.page.keyboard.type('reader-password-1');
    await bed.page.keyboard.press('Enter');
    await bed.page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  it('shows only what a reader may use', async () => {
    expect(await bed.page.getByRole('banner').textContent()).toContain('Reader');
    const navigation = await bed.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(navigation).toEqual(['Overview', 'Users', 'Changes', 'Export', 'Scheduled exports', 'Settings']);
  });

  it('switches between the applications of the organization', async () => {
    await openFromNavigation(bed.page, 'Users');
    const switcher = bed.page.getByRole('banner').getByLabel('Application');
    expect(await switcher.locator('option').allTextContents()).toEqual(['Demo application', 'Second application']);
    const rows = bed.page.locator('table.data-table tbody tr');
    await expect.poll(() => rows.count()).toBe(5);
    await switcher.selectOption({ label: 'Second application' });
    await bed.page.getByText('No users yet.').waitFor();
    await switcher.selectOption({ label: 'Demo application' });
    await expect.poll(() => rows.count()).toBe(5);
  });

  it('shows personal data as hidden for your role in the list (issue #9, finding 4)', async () => {
    const firstRow = bed.page.locator('table.data-table tbody tr').first();
    expect(await firstRow.getByText('hidden for your role').count()).toBe(2);
  });

  it('opens a user without the status change or the audit history, its personal data hidden for the role', async () => {
    await bed.page.getByRole('link', { name: 'customer-0001' }).click();
    const profile = bed.page.getByRole('region', { name: 'Profile' });
    await profile.waitFor();
    expect(await bed.page.getByRole('region', { name: 'Change status' }).count()).toBe(0);
    expect(await bed.page.getByRole('region', { name: 'History' }).count()).toBe(0);
    // Name shown, display name, full name, date of birth, email, phone, and the metadata.
    expect(await profile.getByText('hidden for your role').count()).toBe(7);
  });

  it('offers personal-data columns disabled with the reason, and exports without them', async () => {
    await openFromNavigation(bed.page, 'Export');
    const picker = bed.page.getByRole('group', { name: 'Columns' });
    await picker.waitFor();
    expect(await picker.textContent()).toContain('Your role (Reader) may not export personal data');
    for (const column of personalDataColumns) {
      const checkbox = picker.getByRole('checkbox', { name: new RegExp(`\\b${column}\\b`) });
      expect(await checkbox.isDisabled()).toBe(true);
      expect(await checkbox.isChecked()).toBe(false);
    }
    expect(await picker.getByRole('checkbox', { name: /\bvendor_data\b/ }).isChecked()).toBe(true);
    await saveScreenshot(bed.page, 'export-restricted');

    await bed.page.getByRole('button', { name: 'Request export' }).click();
    const history = bed.page.getByRole('region', { name: 'Recent exports' });
    await history.getByRole('link', { name: 'Download CSV' }).waitFor({ timeout: 60_000 });
    const [file] = await Promise.all([bed.page.waitForEvent('download'), history.getByRole('link', { name: 'Download CSV' }).click()]);
    const { readFile } = await import('node:fs/promises');
    const header = (await readFile((await file.path())!)).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0].split(',');
    expect(header).toContain('vendor_data');
    for (const column of personalDataColumns) expect(header).not.toContain(column);
  });

  it('does not show the audit log, and does not even ask for it', async () => {
    await bed.page.goto('/audit');
    await bed.page.getByText('Your role, Reader, may not read the audit log.').waitFor();
    await bed.page.goto('/settings');
    await bed.page.getByRole('region', { name: 'Your console tokens' }).waitFor();
    expect(await bed.page.getByRole('region', { name: 'Members' }).count()).toBe(0);
    expect(consoleRequests.filter((request) => request.includes('/audit-logs') || request.includes('/operators'))).toEqual([]);
  });
});
