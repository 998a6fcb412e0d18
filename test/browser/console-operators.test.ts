import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { openFromNavigation, saveScreenshot, signIn } from './browser.ts';
import { consoleTestBed } from './console-test-bed.ts';

/** Passwords: your own change, and an owner's one-time reset link through the outbox. */

const bed = consoleTestBed({ seed: ({ api }) => api.addOperator('rita@example.com', 'READER', 'reader-password-1', 'Rita Reader') });

async function resetLinkFor(email: string): Promise<string> {
  const outbox = path.join(bed.roster.dataDir, 'outbox');
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (const name of (await readdir(outbox).catch(() => [])).filter((file) => file.endsWith('.eml'))) {
      const text = (await simpleParser(await readFile(path.join(outbox, name)))).text ?? '';
      const mail = await simpleParser(await readFile(path.join(outbox, name)));
      if (JSON.stringify(mail.to).includes(email) && text.includes('/reset-password?token=')) return /(http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(text)![1];
    }
    if (Date.now() > deadline) throw new Error(`no reset mail for ${email} in ${outbox}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('passwords in the console', () => {
  it('changes your own password, and the new one signs in', async () => {
    await openFromNavigation(bed.page, 'Settings');
    const section = bed.page.getByRole('region', { name: 'Your password' });
    await section.getByLabel('Current password').fill(bed.roster.owner.password);
    await section.getByLabel('New password', { exact: true }).fill('owner-new-password');
    await section.getByLabel('New password again').fill('owner-new-passwxrd');
    await section.getByText('The two new passwords differ.').waitFor();
    expect(await section.getByRole('button', { name: 'Change password' }).isDisabled()).toBe(true);
    await section.getByLabel('New password again').fill('owner-new-password');
    await section.getByRole('button', { name: 'Change password' }).click();
    await section.getByText('Password changed.').waitFor();
    await bed.page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(bed.page, bed.roster.owner.email, 'owner-new-password');
  });

  it("lets the owner mail a reader a reset link that sets the reader's new password once", async () => {
    await openFromNavigation(bed.page, 'Settings');
    const members = bed.page.getByRole('region', { name: 'Members' });
    const row = members.locator('tr', { hasText: 'rita@example.com' });
    await row.getByRole('button', { name: 'Reset password' }).click();
    await row.getByRole('button', { name: 'Mail rita@example.com a reset link' }).click();
    await row.getByText(/Link mailed to rita@example.com/).waitFor();
    await saveScreenshot(bed.page, 'settings-members');

    const link = await resetLinkFor('rita@example.com');
    const reader = await bed.newSession();
    try {
      await reader.page.goto(link);
      await reader.page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await reader.page.getByLabel('New password', { exact: true }).fill('rita-chose-this-one');
      await reader.page.getByLabel('New password again').fill('rita-chose-this-one');
      await reader.page.getByRole('button', { name: 'Set password' }).click();
      await reader.page.getByText('Your password is set.').waitFor();
      await signIn(reader.page, 'rita@example.com', 'rita-chose-this-one');
      // The link was spent.
      await reader.page.goto(link);
      await reader.page.getByLabel('New password', { exact: true }).fill('another-password-1');
      await reader.page.getByLabel('New password again').fill('another-password-1');
      await reader.page.getByRole('button', { name: 'Set password' }).click();
      await reader.page.getByText(/not valid, was already used, or has expired/).waitFor();
      expect(reader.problems.filter((problem) => !problem.includes('status of 422'))).toEqual([]);
    } finally {
      await reader.context.close();
    }
  });

  it('lists a pending invitation and revokes it (issue #19, finding 4)', async () => {
    await openFromNavigation(bed.page, 'Settings');
    const members = bed.page.getByRole('region', { name: 'Members' });
    await members.getByLabel('Email').fill('invited-later@example.com');
    await members.getByRole('button', { name: 'Send invitation' }).click();
    await members.getByText(/Invitation sent to invited-later@example.com/).waitFor();
    const row = members.getByRole('table', { name: 'Pending invitations' }).locator('tr', { hasText: 'invited-later@example.com' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke the invitation of invited-later@example.com' }).click();
    await members.getByText('No pending invitations.').waitFor();
  });
});
