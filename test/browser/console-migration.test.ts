import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';

/** Day-one migration in the console (docs/vendor-migration.md): mapping step, suggested fixes, cell edits, presets. */

const bed = consoleTestBed();

const legacyExport = [
  'Customer,E-mail,Mobile,Country,Tier',
  'legacy-001,ana@example.com,06 12 34 56 78,FR,gold',
  'legacy-002,bo@example.com,0033 6 98 76 54 32,France,silver',
  'legacy-003,not-an-email,+44 20 7946 0958,UK,gold',
  'legacy-004,dee@example.com,,FR,bronze',
  'legacy-005,eve@example.com,+34 600 123 456,ESP,gold',
].join('\n');

async function upload(name: string, buffer: Buffer, preset?: string) {
  await bed.page.goto('/imports/new');
  if (preset) await bed.page.getByLabel('Where the file comes from').selectOption({ label: preset });
  await bed.page.getByLabel('Pick a file…').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  await bed.page.getByRole('button', { name: 'Upload and check' }).click();
  await bed.page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
}

describe('migrating from another vendor in the console', () => {
  it('maps the columns of a file without vendor_data, with sample values and a field picker', async () => {
    await upload('legacy-export.csv', Buffer.from(legacyExport));
    const mapping = bed.page.getByRole('region', { name: 'Map the columns' });
    await mapping.waitFor({ timeout: 30_000 });
    expect(await mapping.getByRole('row').nth(1).textContent()).toContain('legacy-001');
    expect(await bed.page.getByLabel('E-mail', { exact: true }).inputValue()).toBe('email');
    expect(await bed.page.getByLabel('Mobile', { exact: true }).inputValue()).toBe('phone');
    await bed.page.getByLabel('Customer', { exact: true }).selectOption('vendor_data');
    await bed.page.getByLabel('Tier', { exact: true }).selectOption({ label: 'Keep in metadata…' });
    expect(await bed.page.getByLabel('Metadata key for Tier').inputValue()).toBe('tier');
    await saveScreenshot(bed.page, 'import-mapping', { fullPage: true });
    await mapping.getByRole('button', { name: 'Save mapping and check the file' }).click();
    await bed.page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 30_000 });
  });

  it('shows suggested fixes as original → fixed and applies one kind with one click', async () => {
    const fixes = bed.page.getByRole('region', { name: 'Suggested fixes' });
    await fixes.waitFor();
    await expect.poll(() => fixes.textContent()).toContain('FR → FRA');
    expect(await fixes.textContent()).toContain('France → FRA');
    expect(await fixes.textContent()).toContain('06 12 34 56 78 → +33612345678');
    const rows = bed.page.getByRole('region', { name: 'Rows' });
    expect(await rows.locator('.cell-fix').first().textContent()).toContain('→');
    await saveScreenshot(bed.page, 'import-fixes', { fullPage: true });

    await fixes.getByRole('button', { name: 'Apply 2 country fixes' }).click();
    await expect.poll(async () => (await bed.page.getByRole('region', { name: 'Suggested fixes' }).textContent()) ?? '', { timeout: 30_000 }).not.toContain('Two-letter country codes');
    await bed.page.getByRole('region', { name: 'Suggested fixes' }).getByRole('button', { name: 'Apply all suggested fixes' }).click();
    await expect.poll(() => bed.page.getByRole('region', { name: 'Suggested fixes' }).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => bed.page.getByRole('list', { name: 'Preview counts' }).textContent()).toContain('4Valid');
  });

  it('edits a bad cell in the preview and checks the row again', async () => {
    const rows = bed.page.getByRole('region', { name: 'Rows' });
    await rows.getByRole('button', { name: 'Edit E-mail of row 3' }).click();
    const input = rows.getByLabel('New E-mail for row 3');
    await input.fill('cara@example.com');
    await input.press('Enter');
    await expect.poll(() => bed.page.getByRole('list', { name: 'Preview counts' }).textContent(), { timeout: 30_000 }).toContain('5Valid0Invalid');
    await expect.poll(() => rows.locator('td.cell-invalid').count()).toBe(0);
    await bed.page.getByRole('button', { name: /Start import of 5 valid rows/ }).click();
    await bed.page.getByRole('region', { name: 'Import completed' }).waitFor({ timeout: 60_000 });
  });

  it('imports a Firebase auth:export file with the "From Firebase" preset', async () => {
    const sample = readFileSync(path.resolve(import.meta.dirname, '../fixtures/presets/firebase-users.json'));
    await upload('users.json', sample, 'From Firebase Authentication');
    const preview = bed.page.getByRole('region', { name: 'Preview' });
    await preview.waitFor({ timeout: 30_000 });
    expect(await bed.page.getByRole('list', { name: 'Preview counts' }).textContent()).toContain('2Valid0Invalid');
    await bed.page.locator('details.mapping-details > summary').click();
    expect(await bed.page.getByLabel('passwordHash', { exact: true }).inputValue()).toBe('__none');
  });
});
