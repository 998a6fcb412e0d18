import { describe, expect, it } from 'vitest';
import { jpegVariant } from '../support/face-imports.ts';
import { buildZip } from '../zip-builder.ts';
import { saveScreenshot } from './browser.ts';
import { seedUsers } from './fixtures.ts';
import { consoleTestBed } from './console-test-bed.ts';

const bed = consoleTestBed({ seed: ({ api }) => seedUsers(api, 3) });

describe('the Faces tab of the import pages', () => {
  it('uploads a ZIP of faces, shows its progress and links its report', async () => {
    await bed.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import history' }).click();
    await bed.page.getByRole('navigation', { name: 'Import' }).getByRole('link', { name: 'Faces' }).click();
    await bed.page.getByRole('heading', { name: 'Import faces' }).waitFor();

    const zip = buildZip([
      { name: 'faces/customer-0001.jpg', data: jpegVariant(1) },
      { name: 'faces/customer-0002.jpg', data: jpegVariant(2) },
      { name: 'faces/nobody.jpg', data: jpegVariant(3) },
    ]);
    await bed.page.getByLabel('Pick a ZIP…').setInputFiles({ name: 'vendor-faces.zip', mimeType: 'application/zip', buffer: zip });
    await bed.page.getByRole('button', { name: 'Upload ZIP' }).click();
    const row = bed.page.getByRole('row', { name: /vendor-faces\.zip/ });
    await row.getByText('2 added · 1 skipped of 3').waitFor({ timeout: 30_000 });
    expect(await row.getByText('completed').count()).toBe(1);
    const report = await row.getByRole('link', { name: 'Report' }).getAttribute('href');
    expect(report).toMatch(/\/face-imports\/[0-9a-f-]{36}\/report\.csv$/);
    await saveScreenshot(bed.page, 'import-faces');
  });

  it('cancels a running face import from its row (issue #19: a long face import could not be stopped)', async () => {
    // 199,000 manifest rows (the cap is 200,000) of users the application does not have: it runs for minutes.
    const manifest = Buffer.from(`vendor_data,file\n${Array.from({ length: 199_000 }, (_, i) => `ghost-${i},face.jpg\n`).join('')}`);
    const zip = buildZip([{ name: 'manifest.csv', data: manifest }, { name: 'face.jpg', data: jpegVariant('ghost') }]);
    await bed.page.getByLabel('Pick a ZIP…').setInputFiles({ name: 'long-faces.zip', mimeType: 'application/zip', buffer: zip });
    await bed.page.getByRole('button', { name: 'Upload ZIP' }).click();
    const row = bed.page.getByRole('row', { name: /long-faces\.zip/ });
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Cancel: stop before the next entry' }).click();
    await row.getByText('cancelled', { exact: true }).waitFor({ timeout: 30_000 });
    await row.getByText(/^Cancelled; 0 face\(s\) added before stay\.$/).waitFor();
    expect(await row.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    await saveScreenshot(bed.page, 'import-faces-cancelled');
  });
});
