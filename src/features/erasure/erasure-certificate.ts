import type { ErasureRecord } from './erasures.repository.ts';

/**
 * The certificate of a completed erasure (docs/privacy.md#the-certificate): what was removed where, with
 * counts, when and by whom, and what is held until when. Built once from the steps' own counts when the
 * erasure completes, and stored; the printable page is the same content as HTML.
 */

export interface CertificateEntry {
  where: string;
  what: string;
  count: number;
  ids?: string[];
}

export interface ErasureCertificate {
  certificate: 'roster.erasure/v1';
  erasure_id: string;
  app_id: string;
  didit_internal_id: string;
  vendor_data: string;
  reason: string;
  requested_by: { id: string; label: string };
  requested_at: string;
  completed_at: string;
  removed: CertificateEntry[];
  held: null | { fields: string[]; verification_sessions: number; until: string; readable_by: string[] };
  outside_roster: string[];
}

type Counts = Record<string, unknown>;
const num = (value: unknown) => (typeof value === 'number' ? value : 0);
const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);

export function buildCertificate(erasure: Pick<ErasureRecord, 'id' | 'app_id' | 'didit_internal_id' | 'vendor_data' | 'reason' | 'requested_by' | 'requested_by_label' | 'created_at' | 'legal_hold' | 'hold_until' | 'removed'> & { finished_at: Date }): ErasureCertificate {
  const part = (step: string) => (erasure.removed[step] as Counts | undefined) ?? {};
  const user = part('user');
  const freeText = part('free_text');
  const removed: CertificateEntry[] = [
    { where: 'users', what: 'the user row (all its fields)', count: num(user.user_rows) },
    { where: 'faces', what: 'face records and their image files in the object store', count: num(part('faces').objects) },
    { where: 'user_verification_sessions', what: erasure.legal_hold ? 'verification sessions (moved to the held record)' : 'verification sessions', count: num(user.sessions) },
    { where: 'audit_logs', what: 'audit entries whose personal values now read "[erased]" (the entries stay)', count: num(part('ledger').entries) },
    { where: 'user_changes', what: 'change feed entries whose personal values now read "[erased]" (the entries stay)', count: num(part('feed').changes) },
    { where: 'webhook_deliveries', what: 'stored webhook payloads whose personal values now read "[erased]"', count: num(part('webhooks').deliveries) },
    { where: 'import_rows', what: 'staged import rows (valid and rejected) deleted, with their cell edits', count: num(part('staging').rows) + num(part('staging').edits) },
    { where: 'import files', what: 'stored import files that held the person, deleted (not rewritten)', count: list(part('import_files').deleted).length, ids: list(part('import_files').deleted) },
    { where: 'export files', what: 'export files not yet expired that held the person, deleted (not rewritten); the exports read "expired"', count: list(part('export_files').deleted).length, ids: list(part('export_files').deleted) },
    { where: 'other free text', what: 'search filters, file names and errors naming the person, now "[erased]"', count: Object.values(freeText).reduce<number>((sum, value) => sum + num(value), 0) },
  ];
  const endpoints = list(part('webhooks').endpoints);
  return {
    certificate: 'roster.erasure/v1',
    erasure_id: erasure.id,
    app_id: erasure.app_id,
    didit_internal_id: erasure.didit_internal_id,
    vendor_data: erasure.vendor_data,
    reason: erasure.reason,
    requested_by: { id: erasure.requested_by, label: erasure.requested_by_label },
    requested_at: erasure.created_at.toISOString(),
    completed_at: erasure.finished_at.toISOString(),
    removed,
    held:
      erasure.legal_hold && erasure.hold_until
        ? { fields: ['full_name', 'date_of_birth', 'verification_sessions'], verification_sessions: num(part('hold').sessions), until: erasure.hold_until.toISOString(), readable_by: ['OWNER', 'COMPLIANCE_OFFICER'] }
        : null,
    outside_roster: [
      endpoints.length > 0 ? `Webhook receivers already sent events about the person (${endpoints.length} endpoint(s): ${endpoints.join(', ')}): ask their owners to erase them.` : 'No webhook delivery about the person was recorded.',
      'Export files already downloaded, and copies delivered to export schedule destinations (your buckets), are outside Roster.',
      'Database and object store backups keep erased data until they expire; after a restore, apply the erasure log again (docs/privacy.md#backups-and-restores).',
    ],
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The printable page: the same content, one table, print-friendly. */
export function certificateHtml(certificate: ErasureCertificate): string {
  const rows = certificate.removed
    .map((entry) => `<tr><td>${escapeHtml(entry.where)}</td><td>${escapeHtml(entry.what)}${entry.ids && entry.ids.length > 0 ? `<br><small>${entry.ids.map(escapeHtml).join(', ')}</small>` : ''}</td><td class="n">${entry.count}</td></tr>`)
    .join('\n');
  const held = certificate.held
    ? `<p>Held for anti-money-laundering duties until <strong>${escapeHtml(certificate.held.until.slice(0, 10))}</strong>: ${certificate.held.fields.map(escapeHtml).join(', ')} (${certificate.held.verification_sessions} verification session(s)). Readable only by ${certificate.held.readable_by.join(' and ')}, each read with a reason and audited; purged by the daily retention run after that date.</p>`
    : '<p>Nothing is held: no legal hold was asked for.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Erasure certificate ${escapeHtml(certificate.erasure_id)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:50rem;margin:2rem auto;color:#111}table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}td.n{text-align:right}dt{font-weight:600}dd{margin:0 0 .4rem}@media print{body{margin:0}}</style></head>
<body>
<h1>Erasure certificate</h1>
<dl>
<dt>Erasure</dt><dd>${escapeHtml(certificate.erasure_id)}</dd>
<dt>Person</dt><dd>user ${escapeHtml(certificate.didit_internal_id)} (vendor_data ${escapeHtml(certificate.vendor_data)})</dd>
<dt>Requested by</dt><dd>${escapeHtml(certificate.requested_by.label)} at ${escapeHtml(certificate.requested_at)}</dd>
<dt>Reason</dt><dd>${escapeHtml(certificate.reason)}</dd>
<dt>Completed</dt><dd>${escapeHtml(certificate.completed_at)}</dd>
</dl>
<h2>Removed</h2>
<table><thead><tr><th>Where</th><th>What</th><th>Count</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Held</h2>
${held}
<h2>Outside Roster</h2>
<ul>${certificate.outside_roster.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
</body></html>
`;
}
