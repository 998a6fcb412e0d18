import { escapeHtml } from '../../http/html.ts';
import type { MailMessage } from '../../platform/mail/index.ts';

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Sent to the operator who asked, as an export's mail is (src/features/exports/export-mail.ts). */
export function accessPackageReadyMail(facts: { to: string; appName: string; vendorData: string; downloadUrl: string; expiresAt: Date }): MailMessage {
  const text = [
    `The subject-access package of user ${facts.vendorData} in ${facts.appName} is ready.`,
    '',
    `Download it (the link works until ${utc(facts.expiresAt)}):`,
    facts.downloadUrl,
    '',
    'It holds all of this person\'s personal data. Anyone holding this link can download it until it expires, so do not forward this email; send the person the ZIP file itself through a channel you trust.',
  ].join('\n');
  const html = [
    `<p>The subject-access package of user <strong>${escapeHtml(facts.vendorData)}</strong> in <strong>${escapeHtml(facts.appName)}</strong> is ready.</p>`,
    `<p><a href="${escapeHtml(facts.downloadUrl)}">Download the ZIP file</a> (the link works until ${utc(facts.expiresAt)}).</p>`,
    "<p>It holds all of this person's personal data. Anyone holding this link can download it until it expires, so do not forward this email.</p>",
  ].join('\n');
  return { to: facts.to, subject: 'A subject-access package is ready', text, html };
}

export function accessPackageFailedMail(facts: { to: string; appName: string; reason: string; packageId: string }): MailMessage {
  const text = [`A subject-access package for ${facts.appName} failed.`, '', `Reason: ${facts.reason}`, '', `Package id: ${facts.packageId}. You can request it again from the user's page.`].join('\n');
  return { to: facts.to, subject: 'A subject-access package failed', text };
}
