import type { MappingInput } from './column-mapping.ts';
import type { ImportFormat } from '../readers/index.ts';
import type { FixCode } from './row-fixes.ts';

/**
 * Presets for other vendors' exports (docs/vendor-migration.md#presets): a saved mapping, the fixes accepted up front,
 * and the format the vendor writes. Chosen at upload (`?preset=auth0`) or in the wizard. Each
 * vendor's fields are listed: a field mapped to null is dropped on purpose (password hashes are
 * never imported). Fields not listed go through ordinary matching. The source's sign-up date is kept
 * as `metadata.source_created_at` (an ISO instant) by every preset. docs/vendor-migration.md#presets has the same table.
 */
export interface ImportPreset {
  name: string;
  label: string;
  format: ImportFormat;
  /** JSON objects spread into `key.child` columns before mapping. */
  flatten?: readonly string[];
  mapping: MappingInput;
  acceptFixes: readonly FixCode[];
  /** Per-column conversions the vendor's values need (a boolean "blocked" becomes a status). */
  cellTransforms?: Record<string, (cell: string) => string>;
}

const blockedWhenTrue = (cell: string) => (cell.trim().toLowerCase() === 'true' ? 'BLOCKED' : '');

/** Auth0's user export job (POST /api/v2/jobs/users-exports, format "json": one JSON object per line). */
const auth0: ImportPreset = {
  name: 'auth0',
  label: 'From Auth0',
  format: 'ndjson',
  mapping: {
    user_id: 'vendor_data',
    email: 'email',
    name: 'display_name',
    phone_number: 'phone',
    blocked: 'status',
    given_name: 'metadata.given_name',
    family_name: 'metadata.family_name',
    nickname: 'metadata.nickname',
    email_verified: 'metadata.email_verified',
    created_at: 'metadata.source_created_at:date',
    last_login: 'metadata.auth0_last_login:date',
    logins_count: 'metadata.auth0_logins_count',
    user_metadata: 'metadata.user_metadata',
    app_metadata: 'metadata.app_metadata',
    username: 'metadata.username',
    updated_at: null,
    picture: null,
    identities: null,
    provider: null,
    last_ip: null,
    phone_verified: null,
    multifactor: null,
  },
  acceptFixes: ['phone_national'],
  cellTransforms: { blocked: blockedWhenTrue },
};

/** Firebase `firebase auth:export users.json`: {"users": [{localId, email, …}]}. */
const firebase: ImportPreset = {
  name: 'firebase',
  label: 'From Firebase Authentication',
  format: 'json',
  mapping: {
    localId: 'vendor_data',
    email: 'email',
    displayName: 'display_name',
    phoneNumber: 'phone',
    disabled: 'status',
    emailVerified: 'metadata.email_verified',
    customAttributes: 'metadata.custom_claims:json',
    createdAt: 'metadata.source_created_at:date',
    lastSignedInAt: 'metadata.firebase_last_signed_in_at:date',
    passwordHash: null,
    salt: null,
    photoUrl: null,
    providerUserInfo: null,
    mfaInfo: null,
    tenantId: null,
  },
  acceptFixes: ['phone_national'],
  cellTransforms: { disabled: blockedWhenTrue },
};

/** Sumsub applicants as GET /resources/applicants/{id}/one returns them, in a JSON array (or {"items": [...]}). */
const sumsub: ImportPreset = {
  name: 'sumsub',
  label: 'From Sumsub (applicants)',
  format: 'json',
  flatten: ['info', 'review'],
  mapping: {
    externalUserId: 'vendor_data',
    email: 'email',
    phone: 'phone',
    'info.country': 'country',
    id: 'metadata.sumsub_applicant_id',
    createdAt: 'metadata.source_created_at:date',
    'info.firstName': 'metadata.first_name',
    'info.lastName': 'metadata.last_name',
    'info.dob': 'metadata.date_of_birth',
    'info.nationality': 'metadata.nationality',
    'review.reviewStatus': 'metadata.sumsub_review_status',
    'review.reviewResult': 'metadata.sumsub_review_result',
    levelName: 'metadata.sumsub_level',
    clientId: null,
    inspectionId: null,
    type: null,
    lang: null,
    applicantPlatform: null,
    requiredIdDocs: null,
    agreement: null,
    fixedInfo: null,
    'info.addresses': null,
    'info.idDocs': null,
    'info.firstNameEn': null,
    'info.lastNameEn': null,
    'review.reviewId': null,
    'review.attemptId': null,
    'review.attemptCnt': null,
    'review.levelName': null,
    'review.createDate': null,
    'review.reviewDate': null,
    'review.priority': null,
  },
  acceptFixes: ['country_alpha2', 'country_name', 'phone_national'],
};

export const presets: Record<string, ImportPreset> = { auth0, firebase, sumsub };
export const presetNames = ['auth0', 'firebase', 'sumsub'] as const;
export type PresetName = (typeof presetNames)[number];

export function presetOf(name: string | null | undefined): ImportPreset | undefined {
  return name ? presets[name] : undefined;
}
