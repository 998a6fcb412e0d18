import { describe, expect, it } from 'vitest';
import { openFromNavigation, saveScreenshot } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';

// Issue #23 in the console: the user page's Erase card (legal-hold choice, reason, typed confirmation,
// progress, certificate) and Settings → Privacy's retention periods (docs/privacy.md).
let userId = '';

const bed = consoleTestBed({
  async seed({ api }) {
    const user = await api.users<{ didit_internal_id: string }>('POST', '/v3/users/create/', { vendor_data: 'erase-me', full_name: 'Cornelius Fenwright', email: 'cornelius@example.com' });
    userId = user.didit_internal_id;
  },
});

describe('erasing a user from the console', () => {
  it('explains the legal hold, needs a reason and the vendor data typed again, then shows the erasure and its certificate', async () => {
    const { page } = bed;
    await page.goto(`${bed.roster.url}/users/${userId}`);
    const card = page.getByRole('form', { name: 'Erase this person' });
    await card.waitFor();
    expect(await card.textContent()).toContain('Keeps only the full name, date of birth and verification sessions');
    const button = card.getByRole('button', { name: 'Erase this person' });
    expect(await button.isDisabled()).toBe(true);
    await card.getByRole('radio', { name: /Keep the legal record/ }).check();
    await card.getByLabel('Reason').fill('request by email, ticket 4411');
    await card.getByLabel(/to confirm/).fill('erase-m');
    expect(await button.isDisabled()).toBe(true);
    await card.getByLabel(/to confirm/).fill('erase-me');
    await saveScreenshot(page, 'user-erase');
    await button.click();

    const certificate = page.getByRole('link', { name: 'Open the erasure certificate' });
    await certificate.waitFor({ timeout: 60_000 });
    expect(await page.getByRole('status').filter({ hasText: 'held until' }).count()).toBeGreaterThan(0);
    const href = await certificate.getAttribute('href');
    const printable = await page.context().request.get(`${bed.roster.url}${href}`);
    expect(printable.headers()['content-type']).toContain('text/html');
    expect(await printable.text()).toContain('Erasure certificate');
    expect(await printable.text()).not.toContain('cornelius@example.com');

    // The user is gone; the address shows the erasure instead of an error.
    await page.reload();
    await page.getByRole('heading', { name: 'Erased user erase-me' }).waitFor();
    expect(await page.getByRole('link', { name: 'Open the erasure certificate' }).count()).toBe(1);
  });
});

describe('Settings → Privacy', () => {
  it('shows each period with its default and saves a change', async () => {
    const { page } = bed;
    await openFromNavigation(page, 'Privacy');
    const form = page.getByRole('form', { name: 'Retention' });
    const faces = form.getByLabel('Face images');
    await faces.waitFor();
    expect(await faces.inputValue()).toBe('3y');
    await faces.fill('18w');
    await form.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Retention saved.').waitFor();
    const saved = await bed.api.console<{ retention: { faces: string } }>('GET', `/apps/${bed.roster.appId}/retention`);
    expect(saved.retention.faces).toBe('18w');
    await saveScreenshot(page, 'privacy-settings', { fullPage: true });
  });
});
