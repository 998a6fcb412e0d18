import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openFromNavigation, saveScreenshot } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';
import { seedUsers } from './fixtures.ts';
import { freePort } from '../global-setup.ts';

// A webhook receiver on this machine: the roster process is told private networks are allowed.
const received: string[] = [];
let receiver: Server;
let receiverUrl: string;

const bed = consoleTestBed({
  env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS: 'true' },
  async seed({ api }) {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(body);
        response.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/roster-hooks`;
    await seedUsers(api, 5);
    await api.addOperator('rita@example.com', 'READER', 'reader-password-1', 'Rita Reader');
  },
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('scheduled exports and webhooks pages', () => {
  it('creates a schedule, shows its next runs, runs it now and lists the run', async () => {
    await openFromNavigation(bed.page, 'Scheduled exports');
    await bed.page.getByRole('heading', { name: 'Scheduled exports' }).waitFor();
    await bed.page.getByLabel('Name').fill('Nightly CSV');
    await bed.page.getByLabel('Cron').fill('30 2 * * *');
    await bed.page.getByLabel('Time zone').fill('Europe/Madrid');
    await bed.page.getByRole('button', { name: 'Create schedule' }).click();
    const created = bed.page.getByRole('status').filter({ hasText: 'Schedule “Nightly CSV” created' });
    await created.waitFor();
    expect(await created.textContent()).toMatch(/Next runs \(your clock\): [^;]+; [^;]+; [^;]+\./);

    const card = bed.page.getByRole('region', { name: 'Schedule Nightly CSV' });
    await card.waitFor();
    expect(await card.textContent()).toContain('30 2 * * *');
    expect(await card.textContent()).toContain('Europe/Madrid');
    await card.getByRole('button', { name: 'Run now' }).click();
    const runRows = card.locator('table.data-table tbody tr');
    await expect.poll(() => runRows.count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => runRows.first().textContent(), { timeout: 90_000 }).toContain('completed');
    await saveScreenshot(bed.page, 'export-schedules', { fullPage: true });
  });

  it('tests a destination that does not answer and shows the error', async () => {
    const closedPort = await freePort();
    await bed.page.getByLabel('Name').fill('To a bucket');
    await bed.page.getByLabel('Destination URL').fill(`s3://exports/roster?endpoint=http://127.0.0.1:${closedPort}&region=us-east-1&forcePathStyle=true`);
    await bed.page.getByLabel('Access key').fill('test-access-key');
    await bed.page.getByLabel('Secret key').fill('test-secret-key');
    await bed.page.getByRole('button', { name: 'Create schedule' }).click();
    const card = bed.page.getByRole('region', { name: 'Schedule To a bucket' });
    await card.waitFor();
    await card.getByRole('button', { name: 'Test destination' }).click();
    await card.getByText('The destination failed:').waitFor({ timeout: 60_000 });
  });

  it('creates a webhook endpoint, shows its secret once, sends a test and logs the delivery', async () => {
    await openFromNavigation(bed.page, 'Webhooks');
    await bed.page.getByRole('heading', { name: /^Webhooks of/ }).waitFor();
    await bed.page.getByLabel('URL').fill(receiverUrl);
    await bed.page.getByRole('checkbox', { name: 'user.deleted' }).uncheck();
    await bed.page.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = await bed.page.getByTestId('new-secret').textContent();
    expect(secret).toMatch(/^whsec_/);

    const card = bed.page.getByRole('region', { name: `Endpoint ${receiverUrl}` });
    await card.waitFor();
    expect(await card.textContent()).toContain('Enabled');
    expect(await card.textContent()).not.toContain('user.deleted');
    await card.getByRole('button', { name: 'Send test' }).click();
    const deliveries = card.locator('table.data-table tbody tr');
    await expect.poll(() => deliveries.first().textContent(), { timeout: 60_000 }).toContain('HTTP 200');
    expect(await deliveries.first().textContent()).toContain('webhook.test');
    expect(received.some((body) => body.includes('webhook.test'))).toBe(true);

    // A reload forgets the secret: it was shown once.
    await bed.page.reload();
    await card.waitFor();
    expect(await bed.page.getByTestId('new-secret').count()).toBe(0);
    await expect.poll(() => deliveries.count()).toBeGreaterThan(0);
    await saveScreenshot(bed.page, 'webhooks', { fullPage: true });

    // Rotating shows the new secret, once, after a confirmation.
    await card.getByRole('button', { name: 'Rotate secret' }).click();
    await card.getByRole('button', { name: /^Rotate: / }).click();
    const rotated = await card.getByTestId('new-secret').textContent();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);

    // Nothing failed, so recovering since yesterday queues nothing, and says so.
    await card.getByLabel('Recover failed deliveries since').fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 16));
    await card.getByRole('button', { name: 'Recover since' }).click();
    await card.getByText('0 failed deliveries queued again.').waitFor();

    await card.getByRole('button', { name: 'Disable' }).click();
    await card.getByText('Disabled').waitFor();
  });

  it('filters the delivery log by event, shows older deliveries a page at a time, and a sample of each event type', async () => {
    const appId = bed.roster.appId;
    const { results } = await bed.api.console<{ results: { id: string; url: string }[] }>('GET', `/apps/${appId}/webhooks`);
    const endpoint = results.find((found) => found.url === receiverUrl)!;
    // 21 more test events (the endpoint is disabled: they wait, and are listed as pending).
    for (let i = 0; i < 21; i++) await bed.api.console('POST', `/apps/${appId}/webhooks/${endpoint.id}/test`);
    // Loaded afresh: the page's cached first page predates them.
    await bed.page.reload();
    const card = bed.page.getByRole('region', { name: `Endpoint ${receiverUrl}` });
    const deliveries = card.locator('table.data-table tbody tr');
    await expect.poll(() => deliveries.count(), { timeout: 30_000 }).toBe(20);
    await card.getByRole('button', { name: 'Show older deliveries (20 shown)' }).click();
    await expect.poll(() => deliveries.count(), { timeout: 30_000 }).toBe(22);
    expect(await card.getByRole('button', { name: /^Show older deliveries/ }).count()).toBe(0);

    await card.getByLabel('Event', { exact: true }).selectOption('user.created');
    await card.getByText('No deliveries match.').waitFor();
    await card.getByLabel('Event', { exact: true }).selectOption('webhook.test');
    await expect.poll(() => deliveries.count(), { timeout: 30_000 }).toBe(20);

    await bed.page.getByText('Sample events (thin payload)').click();
    const statusSample = await bed.page.getByRole('region', { name: 'Sample user.status_changed' }).textContent();
    expect(statusSample).toContain('"reason": "chargeback on order 7781"');
    expect(statusSample).toContain('"seq"');
    expect(await bed.page.getByRole('region', { name: 'Sample import.completed' }).textContent()).toContain('"seq_to"');
    expect(await bed.page.getByRole('region', { name: /^Sample / }).count()).toBe(11);
  });

  it('hides webhooks from a reader and says so in plain words when opened', async () => {
    const reader = await bed.newSession({ as: { email: 'rita@example.com', password: 'reader-password-1' } });
    try {
      const navigation = await reader.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      expect(navigation).not.toContain('Webhooks');
      expect(navigation).toContain('Scheduled exports');
      await reader.page.goto('/settings/webhooks');
      await reader.page.getByText('Your role, Reader, may not manage webhooks.').waitFor();
      expect(reader.problems).toEqual([]);
    } finally {
      await reader.context.close();
    }
  });
});
