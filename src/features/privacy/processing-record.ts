import type { AppContext } from '../../context.ts';
import { userCatalogue } from '../../shared/user-catalogue.ts';
import { listScheduleDestinations } from '../export-schedules/index.ts';
import { type RetentionCategory, retentionInForce } from '../upkeep/index.ts';
import { listActiveEndpoints } from '../webhooks/index.ts';
import { findPrivacySettings } from './privacy-settings.repository.ts';

/**
 * The record of processing (GDPR Art. 30; docs/privacy.md#record-of-processing) of one application, built
 * from what Roster knows: the data categories from the field catalogue, purposes, sources and controller
 * from the application's privacy settings, recipients from its webhook endpoints and schedule destinations,
 * retention and security measures from the configuration in force.
 */
export interface ProcessingRecord {
  generated_at: string;
  application: { id: string; name: string };
  controller: string | null;
  purposes: string[];
  sources: string[];
  data_categories: { category: string; fields: string[]; description: string }[];
  recipients: { kind: 'webhook_endpoint' | 'export_schedule_destination' | 'export_download'; name: string; destination: string }[];
  retention: { category: string; kept: string }[];
  security_measures: string[];
  settings_updated: { at: string; by: string | null } | null;
  not_set: string[];
}

const personalFields = () => userCatalogue.filter((spec) => spec.personal && spec.kind !== 'computed').map((spec) => spec.name);

function dataCategories(): ProcessingRecord['data_categories'] {
  return [
    { category: 'Identity and contact data', fields: personalFields(), description: 'Names, date of birth, email, phone and free-form metadata of each end user' },
    { category: 'Identifiers and account data', fields: ['didit_internal_id', 'vendor_data', 'country', 'status', 'tags'], description: "Roster's id, the business's own id, country of residence, account status and labels" },
    { category: 'Face images', fields: ['faces'], description: 'Up to 5 JPEG or PNG images per end user, uploaded by the business' },
    { category: 'Identity verification results', fields: ['sessions', 'verified_at', 'session_count', 'approved_count', 'declined_count', 'in_review_count'], description: 'Outcome and time of each verification session' },
    { category: 'History of changes and reads', fields: ['audit log'], description: 'Who changed or looked at each end user, when, with the values before and after a change' },
  ];
}

const retentionLabels: Record<RetentionCategory, string> = {
  import_files: 'Import files and their staged rows (after the import ends)',
  exports: 'Export files (after the export completed; the link expires sooner, EXPORT_LINK_TTL)',
  faces: 'Face images (after the upload)',
  inactive_users: 'Users (after their last activity)',
  audit: 'Audit log entries',
  change_feed: 'Change feed',
};

/** The application's retention settings in force (docs/privacy.md#retention), then what has no setting of its own. */
async function retention(ctx: AppContext, appId: string): Promise<ProcessingRecord['retention']> {
  const days = (seconds: number) => `${Math.round((seconds / 86_400) * 10) / 10} days`;
  const periods = await retentionInForce(ctx, appId);
  return [
    ...(Object.entries(periods) as [RetentionCategory, string | null][]).map(([category, period]) => ({ category: retentionLabels[category], kept: period ?? 'with no end' })),
    { category: 'Subject-access packages', kept: `until the download link expires (EXPORT_LINK_TTL: ${days(ctx.config.EXPORT_LINK_TTL)})` },
    { category: 'Verification sessions', kept: 'with their user' },
  ];
}

function securityMeasures(ctx: AppContext): string[] {
  return [
    'Operators sign in with a password (argon2id) or a console token; five roles limit who sees personal data, and DEVELOPER and READER get it redacted (docs/roles.md)',
    'Every change to an end user, every export and download, and every operator read of personal data is written to the audit log (docs/audit.md, docs/privacy.md#reads-on-record)',
    `Reads through API keys are ${ctx.config.AUDIT_API_READS ? '' : 'not '}recorded (AUDIT_API_READS=${ctx.config.AUDIT_API_READS ? 'true' : 'false'})`,
    'Files leave Roster only through signed links that expire and are revoked at once (docs/security.md); webhook payloads are signed',
    'Secrets of schedule destinations and webhook endpoints are sealed at rest with a key derived from ROSTER_SECRET',
    'API keys are rate-limited per minute and revocable at once; stored files and the database are reached only by the Roster processes',
    `Files are kept ${ctx.storage.kind === 's3' ? 'in an S3-compatible object store (its own encryption at rest applies)' : 'on the local disk of the data folder'}`,
  ];
}

export async function buildProcessingRecord(ctx: AppContext, app: { id: string; name: string }, now = new Date()): Promise<ProcessingRecord> {
  const settings = await findPrivacySettings(ctx.db, app.id);
  const endpoints = await listActiveEndpoints(ctx.db, app.id);
  const schedules = await listScheduleDestinations(ctx.db, app.id);
  const notSet = [
    ...(settings.purposes.length === 0 ? ['purposes: set them on the Privacy settings page'] : []),
    ...(settings.sources.length === 0 ? ['sources: set them on the Privacy settings page'] : []),
    ...(settings.controller ? [] : ['controller: set it on the Privacy settings page']),
  ];
  return {
    generated_at: now.toISOString(),
    application: { id: app.id, name: app.name },
    controller: settings.controller,
    purposes: settings.purposes,
    sources: settings.sources,
    data_categories: dataCategories(),
    recipients: [
      ...endpoints.map((endpoint) => ({ kind: 'webhook_endpoint' as const, name: endpoint.description || endpoint.url, destination: `${endpoint.url} (${endpoint.payload} payload)` })),
      ...schedules.map((schedule) => ({ kind: 'export_schedule_destination' as const, name: schedule.name, destination: schedule.destination_url! })),
      { kind: 'export_download' as const, name: 'Operators who request exports', destination: 'the requesting operator, through a signed link by email' },
    ],
    retention: await retention(ctx, app.id),
    security_measures: securityMeasures(ctx),
    settings_updated: settings.updated_at ? { at: settings.updated_at.toISOString(), by: settings.updated_by } : null,
    not_set: notSet,
  };
}
