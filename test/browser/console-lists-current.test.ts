import { describe, expect, it } from 'vitest';
import { openFromNavigation } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';
import { seedUsers } from './fixtures.ts';

/** Issue #18, "what must work" 2: coming back to a list shows it as it is now, not as it was. */
const bed = consoleTestBed({ seed: ({ api }) => seedUsers(api, 3) });

describe('the console lists are current', () => {
  it('shows a user created through the API after coming back to Users from that user’s page', async () => {
    const { page } = bed;
    await openFromNavigation(page, 'Users');
    await page.getByText('3 users · Demo application').waitFor();
    expect(await page.getByRole('navigation', { name: 'Pages' }).textContent()).toContain('3 shown of 3');

    await bed.api.users('POST', '/v3/users/create/', { vendor_data: 'created-meanwhile', display_name: 'Meanwhile', email: 'meanwhile@example.com' });
    await page.getByLabel('Search').fill('created-meanwhile');
    await page.getByLabel('Search').press('Enter');
    await page.getByRole('link', { name: 'created-meanwhile' }).click();
    await page.getByRole('region', { name: 'Profile' }).waitFor();

    await openFromNavigation(page, 'Users');
    await page.getByText('4 users · Demo application').waitFor();
    await expect.poll(() => page.getByRole('navigation', { name: 'Pages' }).textContent()).toContain('4 shown of 4');
    expect(await page.locator('table.data-table tbody tr').count()).toBe(4);
  });

  it('shows a change made through the API when the user’s page is opened again', async () => {
    const { page } = bed;
    await bed.api.users('PATCH', '/v3/users/created-meanwhile/', { display_name: 'Renamed elsewhere' });
    await page.getByRole('link', { name: 'created-meanwhile' }).click();
    await page.getByRole('region', { name: 'Profile' }).getByText('Renamed elsewhere').first().waitFor();
  });
});
