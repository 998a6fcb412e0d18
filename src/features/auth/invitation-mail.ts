import type { MailMessage } from '../../platform/mail/index.ts';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export interface InvitationFacts {
  to: string;
  organizationName: string;
  invitedBy: string;
  role: string;
}

/** The address is free: a one-time link to set a password and join. */
export function invitationMail(facts: InvitationFacts & { link: string; expiresAt: Date }): MailMessage {
  const text = [
    `${facts.invitedBy} invited you to ${facts.organizationName} on Roster, as ${facts.role}.`,
    '',
    `Choose your password here (the link works once, until ${utc(facts.expiresAt)}):`,
    facts.link,
    '',
    'If you did not expect this invitation, ignore this email: nothing happens unless the link is used.',
  ].join('\n');
  const html = [
    `<p>${escapeHtml(facts.invitedBy)} invited you to <strong>${escapeHtml(facts.organizationName)}</strong> on Roster, as ${escapeHtml(facts.role)}.</p>`,
    `<p><a href="${escapeHtml(facts.link)}">Choose your password</a> (the link works once, until ${utc(facts.expiresAt)}).</p>`,
    '<p>If you did not expect this invitation, ignore this email: nothing happens unless the link is used.</p>',
  ].join('\n');
  return { to: facts.to, subject: `Invitation to ${facts.organizationName} on Roster`, text, html };
}

/** The address already has a Roster account: an operator belongs to one organization, so no second one is made. */
export function alreadyRegisteredMail(facts: InvitationFacts & { signInUrl: string }): MailMessage {
  const text = [
    `${facts.invitedBy} tried to add you to ${facts.organizationName} on Roster, as ${facts.role}.`,
    '',
    'Your address already has a Roster account, and an account belongs to one organization, so no new account was made.',
    `To join ${facts.organizationName}, ask to be removed from your current organization first, or ask to be invited with another address.`,
    '',
    `Sign in with your existing account: ${facts.signInUrl}`,
    'If you did not expect this, ignore this email: nothing has changed.',
  ].join('\n');
  const html = text
    .split('\n\n')
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return { to: facts.to, subject: `Invitation to ${facts.organizationName} on Roster`, text, html };
}
