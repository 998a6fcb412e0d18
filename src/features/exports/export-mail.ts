import type { MailMessage } from '../../platform/mail/index.ts';

export interface ExportMailFacts {
  to: string;
  appName: string;
  rowCount: number;
  columns: readonly string[];
  filters: Record<string, unknown>;
  downloadUrl: string;
  expiresAt: Date;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);

function describeFilters(filters: Record<string, unknown>): string {
  const entries = Object.entries(filters);
  if (entries.length === 0) return 'none (every user)';
  return entries.map(([name, value]) => `${name} = ${Array.isArray(value) ? value.join(' | ') : String(value)}`).join('; ');
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function exportReadyMail(facts: ExportMailFacts): MailMessage {
  const rows = `${facts.rowCount} ${facts.rowCount === 1 ? 'user' : 'users'}`;
  const text = [
    `Your export of ${facts.appName} is ready: ${rows}.`,
    '',
    `Download it (the link works until ${utc(facts.expiresAt)}):`,
    facts.downloadUrl,
    '',
    `Filters: ${describeFilters(facts.filters)}`,
    `Columns: ${facts.columns.join(', ')}`,
    '',
    'Anyone holding this link can download the file until it expires, so do not forward this email.',
  ].join('\n');
  const html = [
    `<p>Your export of <strong>${escapeHtml(facts.appName)}</strong> is ready: ${rows}.</p>`,
    `<p><a href="${escapeHtml(facts.downloadUrl)}">Download the CSV file</a> (the link works until ${utc(facts.expiresAt)}).</p>`,
    `<p>Filters: ${escapeHtml(describeFilters(facts.filters))}<br>Columns: ${escapeHtml(facts.columns.join(', '))}</p>`,
    '<p>Anyone holding this link can download the file until it expires, so do not forward this email.</p>',
  ].join('\n');
  return { to: facts.to, subject: `Your Roster export is ready (${rows})`, text, html };
}

export function exportFailedMail(facts: { to: string; appName: string; reason: string; exportId: string }): MailMessage {
  const text = [
    `Your export of ${facts.appName} failed and produced no file.`,
    '',
    `Reason: ${facts.reason}`,
    '',
    `Export id: ${facts.exportId}. You can request it again from the console.`,
  ].join('\n');
  return { to: facts.to, subject: 'Your Roster export failed', text };
}
