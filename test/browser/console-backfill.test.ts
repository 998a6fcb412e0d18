import { describe, expect, it } from 'vitest';
import { saveScreenshot, uploadImportFile } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';

/**
 * A backfill in the console (issue 20, docs/imports.md#merge-or-replace): upload, map two columns to
 * metadata keys, see the per-key diff and the removal warning above Start, choose merge, run, and
 * find every key and tag the file did not name still on the users. Then discard a preview.
 */

const bed = consoleTestBed({
  async seed({ api }) {
    for (const n of [1, 2, 3]) {
      await api.users('POST', '/v3/users/create/', { vendor_data: `bf-${n}`, tags: ['pep', 'high-risk'], metadata: { notes: n === 1 ? 'VIP' : 'ok', first_name: `F${n}`, last_name: `L${n}` } });
    }
  },
});

const backfill = ['vendor_data,risk_score,segment,tags', 'bf-1,80,sme,migrated-2026', 'bf-2,102.0,retail,migrated-2026', 'bf-3,12,sme,migrated-2026'].join('\n');

const text = async (locator: { textContent(): Promise<string | null> }) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ');

describe('a backfill in the console', () => {
  it('maps columns to metadata keys, shows each key and tag that changes, and warns above Start before a replace removes anything', async () => {
    await uploadImportFile(bed.page, 'risk-backfill.csv', backfill);
    await bed.page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 30_000 });

    // The two unknown columns go to metadata keys through the mapping step.
    await bed.page.locator('details.mapping-details > summary').click();
    await bed.page.getByLabel('risk_score', { exact: true }).selectOption({ label: 'Keep in metadata…' });
    await bed.page.getByLabel('segment', { exact: true }).selectOption({ label: 'Keep in metadata…' });
    await bed.page.getByRole('button', { name: 'Save mapping and check again' }).click();

    // The preview made again with the mapping: each row lists the keys and tags it changes.
    const rows = bed.page.getByRole('region', { name: 'Rows' });
    const first = rows.locator('tbody tr').first().getByRole('list', { name: 'Metadata and tag changes' });
    await expect.poll(() => text(first), { timeout: 30_000 }).toContain('metadata.risk_score added 80');
    const preview = bed.page.getByRole('region', { name: 'Preview' });
    const warning = preview.getByRole('alert', { name: 'What this import removes' });
    // Tags replace by default: the warning says who loses what, before anything runs.
    await warning.waitFor({ timeout: 30_000 });
    expect(await text(warning)).toContain('It removes 2 tags from 3 users: high-risk (3 users), pep (3 users).');
    expect(await text(warning)).not.toContain('metadata key');
    const summary = await text(preview.getByLabel('What the import changes'));
    expect(summary).toContain('tag pep removed from 3 users');
    expect(summary).toContain('tag migrated-2026 added to 3 users');
    expect(summary).toContain('metadata.risk_score on 3 users');

    expect(await text(first)).toContain('metadata.segment added sme');
    expect(await text(first)).toContain('tag migrated-2026 added');
    expect(await text(first)).toContain('tag pep removed');
    expect(await text(first)).not.toContain('metadata.notes');
    await saveScreenshot(bed.page, 'backfill-tags-replace-warning', { fullPage: true });

    // A metadata replace: each key the file does not name is shown going, and counted above Start.
    const options = preview.getByRole('region', { name: 'How the file applies' });
    await options.getByLabel(/Replace the user's whole metadata/).check();
    await options.getByRole('button', { name: 'Check the file again with these options' }).click();
    await expect.poll(() => text(warning), { timeout: 30_000 }).toContain('It removes 3 metadata keys from 3 users: first_name (3 users), last_name (3 users), notes (3 users).');
    await expect.poll(() => text(first), { timeout: 30_000 }).toContain('metadata.notes VIP removed');

    // Merge both: nothing is removed, no warning, and the diff adds only.
    await options.getByLabel(/Write only the file's metadata keys/).check();
    await options.getByLabel(/Add the file's tags to those the user has/).check();
    await options.getByRole('button', { name: 'Check the file again with these options' }).click();
    await expect.poll(() => warning.count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => text(first), { timeout: 30_000 }).not.toContain('removed');
    expect(await text(first)).toContain('tag migrated-2026 added');

    // The filters: only the rows that update users.
    await rows.getByLabel('Updates (3)').check();
    await expect.poll(() => rows.locator('tbody tr').count()).toBe(3);
    expect(await rows.getByLabel('Creates (0)').isDisabled()).toBe(true);
    await saveScreenshot(bed.page, 'backfill-merge-preview', { fullPage: true });

    await preview.getByRole('button', { name: 'Start import of 3 valid rows' }).click();
    const result = bed.page.getByRole('region', { name: 'Import completed' });
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getByRole('list', { name: 'Result counts' }).textContent()).toBe('0Created3Updated0Unchanged0Skipped');

    const user = await bed.api.users<{ metadata: Record<string, unknown>; tags: string[] }>('GET', '/v3/users/bf-2/');
    expect(user.metadata).toEqual({ notes: 'ok', first_name: 'F2', last_name: 'L2', risk_score: '102.0', segment: 'retail' });
    expect(user.tags).toEqual(['pep', 'high-risk', 'migrated-2026']);
  });

  it("maps a vendor's status word to ours and combines first and last name into full_name in the mapping step", async () => {
    await uploadImportFile(bed.page, 'vendor-status.csv', ['vendor_data,Status,First name,Last name', 'vs-1,pending,Ana,López', 'vs-2,active,Bo,Ba'].join('\n'));
    await bed.page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 30_000 });
    expect(await bed.page.getByRole('list', { name: 'Preview counts' }).textContent()).toContain('1Invalid');
    await bed.page.locator('details.mapping-details > summary').click();
    const mapping = bed.page.getByRole('region', { name: 'Columns' });
    await mapping.locator('tr', { has: bed.page.getByLabel('Status', { exact: true }) }).locator('details.value-map > summary').click();
    await mapping.getByLabel('Status: pending becomes').fill('FLAGGED');
    const combines = mapping.getByRole('region', { name: 'Combine columns' });
    await combines.getByLabel('Column', { exact: true }).selectOption('First name');
    await combines.getByLabel('plus', { exact: true }).selectOption('Last name');
    await combines.getByLabel('into', { exact: true }).selectOption('full_name');
    await combines.getByRole('button', { name: 'Add combine' }).click();
    expect(await combines.textContent()).toContain('First name + Last name → full_name');
    await saveScreenshot(bed.page, 'import-value-mapping', { fullPage: true });
    await mapping.getByRole('button', { name: 'Save mapping and check again' }).click();
    await expect.poll(() => bed.page.getByRole('list', { name: 'Preview counts' }).textContent(), { timeout: 30_000 }).toContain('2Valid0Invalid');
    const rows = bed.page.getByRole('region', { name: 'Rows' });
    await expect.poll(() => rows.locator('tbody tr').first().textContent()).toContain('Ana López');
    await bed.page.getByRole('button', { name: 'Start import of 2 valid rows' }).click();
    await bed.page.getByRole('region', { name: 'Import completed' }).waitFor({ timeout: 60_000 });
    const user = await bed.api.users<{ status: string; full_name: string }>('GET', '/v3/users/vs-1/');
    expect([user.status, user.full_name]).toEqual(['FLAGGED', 'Ana López']);
  });

  it('discards a preview: nothing applied, the import says so', async () => {
    await uploadImportFile(bed.page, 'second-thoughts.csv', 'vendor_data,tags\nbf-1,oops\n');
    const preview = bed.page.getByRole('region', { name: 'Preview' });
    await preview.waitFor({ timeout: 30_000 });
    await preview.getByRole('button', { name: 'Discard this import' }).click();
    const discarded = bed.page.getByRole('region', { name: 'Import discarded' });
    await discarded.waitFor();
    expect(await discarded.textContent()).toContain('Nothing was changed. The file and its checked rows are deleted.');
    expect(await bed.page.getByRole('region', { name: 'Rows' }).count()).toBe(0);
    expect(await bed.page.locator('.badge').first().textContent()).toBe('discarded');
    const user = await bed.api.users<{ tags: string[] }>('GET', '/v3/users/bf-1/');
    expect(user.tags).toEqual(['pep', 'high-risk', 'migrated-2026']);
  });
});
