/**
 * Every error code Roster answers, declared once: the code a script branches on, the HTTP status it
 * comes with, and what it means (docs/api.md#errors is generated from this table, and the OpenAPI
 * document at /docs lists it). The one error type (`AppError`, src/http/errors.ts) takes only a code
 * of this catalogue and its status from here, so a misspelt code does not compile.
 *
 * Codes of field problems (the `details` of a 422, whose first one is also the answer's `code`) are
 * here too, as are the few codes only the command line reports (they say so). Imports nothing: the
 * console imports it as it is (docs/architecture.md#declared-once).
 */

export interface ErrorCodeEntry {
  status: number;
  meaning: string;
}

export const errorCodes = {
  // 400: the request itself is malformed.
  bad_request: { status: 400, meaning: 'The request is malformed in a way no more precise code describes.' },
  bad_url: { status: 400, meaning: 'The URL cannot be read (a malformed %-escape).' },
  invalid_json: { status: 400, meaning: 'The body is not valid JSON, or is empty where JSON is expected.' },
  invalid_content_length: { status: 400, meaning: 'The Content-Length header does not match the body.' },
  invalid_content_type: { status: 400, meaning: 'The Content-Type header cannot be read.' },
  invalid_multipart: { status: 400, meaning: 'The multipart body cannot be read.' },
  invalid_parameter: { status: 400, meaning: 'A query-string or path parameter is malformed; details name it.' },
  invalid_cursor: { status: 400, meaning: 'The cursor is not one this list gave out as `next` (altered, made up, or from another list or sort).' },
  missing_file: { status: 400, meaning: 'The upload holds no file.' },
  invalid_argument: { status: 400, meaning: 'Command line: an argument or flag value is malformed.' },
  file_not_found: { status: 400, meaning: 'Command line: no file at the path given.' },
  cannot_write_file: { status: 400, meaning: 'Command line: the output file cannot be written.' },

  // 401: no credential, or one that is not (or no longer) valid.
  missing_api_key: { status: 401, meaning: 'No x-api-key header.' },
  invalid_api_key: { status: 401, meaning: 'The API key is unknown or revoked.' },
  invalid_authorization: { status: 401, meaning: 'The Authorization header is not `Bearer <console token>`.' },
  invalid_token: { status: 401, meaning: 'The console token is unknown, revoked or expired.' },
  not_signed_in: { status: 401, meaning: 'No session: sign in to the console (or send a console token).' },
  session_expired: { status: 401, meaning: 'The console session has ended; sign in again.' },
  invalid_credentials: { status: 401, meaning: 'The email or password is wrong.' },
  invalid_metrics_token: { status: 401, meaning: '/metrics needs `Authorization: Bearer METRICS_TOKEN`.' },

  // 403: the caller is known but may not do this.
  forbidden_role: { status: 403, meaning: "The operator's role does not allow this (docs/roles.md)." },
  cross_site_request: { status: 403, meaning: 'A cookie-authenticated write came from another site.' },
  wrong_password: { status: 403, meaning: 'The current password given is wrong.' },
  invalid_signature: { status: 403, meaning: 'The signed link was altered or is not one Roster made.' },
  link_expired: { status: 403, meaning: 'The signed link has expired.' },
  not_requester: { status: 403, meaning: 'Only the operator who requested the export (or an OWNER) may do this.' },
  requester_not_allowed: { status: 403, meaning: "The requester's role no longer allows the columns of this export." },
  requester_removed: { status: 403, meaning: 'The operator who requested this export is no longer a member.' },
  restricted_columns: { status: 403, meaning: 'The export asks for personal-data columns the role may not read; details list them.' },
  restricted_column: { status: 403, meaning: 'Detail of restricted_columns: this column holds personal data.' },

  // 404: not found, or another tenant's (which is answered the same way).
  not_found: { status: 404, meaning: 'The thing named in the path does not exist, or belongs to another organization or application.' },
  route_not_found: { status: 404, meaning: 'No route for this method and path.' },
  user_not_found: { status: 404, meaning: "No user with this vendor_data (or id) in the key's application." },
  bulk_action_not_found: { status: 404, meaning: 'No such bulk action in this application.' },
  invitation_not_found: { status: 404, meaning: 'No such invitation.' },
  erasure_not_found: { status: 404, meaning: 'No such erasure in this application.' },
  no_held_record: { status: 404, meaning: 'The erasure kept no held record (legal_hold was false).' },
  access_package_not_found: { status: 404, meaning: 'No such access package in this application, or its file is not ready.' },
  operator_not_found: { status: 404, meaning: "Command line: no such operator in the application's organization." },

  // 409: the request conflicts with the current state.
  duplicate_vendor_data: { status: 409, meaning: 'A user with this vendor_data already exists in the application.' },
  duplicate_face: { status: 409, meaning: 'The same image is already stored for this user.' },
  too_many_faces: { status: 409, meaning: 'The user already has the most faces allowed.' },
  session_already_recorded: { status: 409, meaning: 'This session was recorded before with other values.' },
  session_belongs_to_other_user: { status: 409, meaning: 'This session id was recorded for another user.' },
  invalid_state: { status: 409, meaning: 'The import is not in a state that allows this (the message says which it needs).' },
  preview_outdated: { status: 409, meaning: 'The preview was made with other options; validate it again before starting.' },
  already_reverted: { status: 409, meaning: 'The import was already reverted.' },
  not_reverted: { status: 409, meaning: 'The import has no revert to act on.' },
  nothing_to_revert: { status: 409, meaning: 'The import changed no user.' },
  export_finished: { status: 409, meaning: 'The export has ended; only a queued or running one can be cancelled.' },
  face_import_finished: { status: 409, meaning: 'The face import has ended; only a queued or running one can be cancelled.' },
  operator_exists: { status: 409, meaning: 'An operator with this email already exists.' },
  invitation_accepted: { status: 409, meaning: 'The invitation was already accepted.' },
  last_owner: { status: 409, meaning: 'The organization would be left without an OWNER.' },
  cannot_remove_self: { status: 409, meaning: 'An operator cannot remove themselves.' },
  already_erased: { status: 409, meaning: "The user's erasure was already requested; a user is erased once." },
  erasure_not_completed: { status: 409, meaning: 'The erasure has not completed; its certificate and held record exist once it has.' },
  schedule_name_taken: { status: 409, meaning: 'Another export schedule of the application has this name.' },

  // 410: it existed, and is gone for good.
  cursor_expired: { status: 410, meaning: 'The changes after this position were pruned; resync from a full export.' },
  export_expired: { status: 410, meaning: 'The export expired and its file was deleted.' },
  export_revoked: { status: 410, meaning: 'The download link was revoked by an OWNER.' },
  rows_expired: { status: 410, meaning: "The import's rows were deleted (retention passed, or the import was discarded)." },
  invitation_expired: { status: 410, meaning: 'The invitation has expired.' },
  held_record_purged: { status: 410, meaning: 'The held record of an erasure was purged when its hold ended.' },
  access_package_expired: { status: 410, meaning: 'The access package expired and its file was deleted.' },
  invitation_revoked: { status: 410, meaning: 'The invitation was withdrawn, or its sender may no longer invite.' },

  // 413, 414, 415: too large, too long, wrong media type.
  body_too_large: { status: 413, meaning: 'The body is over the limit (JSON 1 MB; docs/security.md#input-limits).' },
  file_too_large: { status: 413, meaning: 'The uploaded file is over the limit.' },
  image_too_large: { status: 413, meaning: 'The face image is over the limit.' },
  too_many_parts: { status: 413, meaning: 'The multipart body has too many parts.' },
  too_many_files: { status: 413, meaning: 'The multipart body has more than one file.' },
  too_many_fields: { status: 413, meaning: 'The multipart body has too many fields.' },
  path_too_long: { status: 414, meaning: 'A path segment is too long.' },
  unsupported_media_type: { status: 415, meaning: 'The Content-Type is not one this route takes (send application/json).' },

  // 422: well-formed, but not acceptable.
  validation_failed: { status: 422, meaning: 'The body does not fit the route; details list each problem.' },
  invalid_field: { status: 422, meaning: 'Detail of validation_failed: this field does not fit.' },
  invalid_start_options: { status: 422, meaning: 'The options of an import start do not fit; details list them.' },
  invalid_options: { status: 422, meaning: 'No import option was given.' },
  status_reason_required: { status: 422, meaning: "Rows change a user's status without a reason; give one." },
  unblock_not_confirmed: { status: 422, meaning: 'Rows move users away from BLOCKED; confirm with allow_unblock.' },
  invalid_mapping: { status: 422, meaning: 'The column mapping names an unknown field or is malformed.' },
  invalid_transform: { status: 422, meaning: 'A value mapping or column combine of the import is malformed.' },
  duplicate_mapping: { status: 422, meaning: 'Two columns map to the same field.' },
  unknown_column: { status: 422, meaning: 'A column name is not one of the file or of the export.' },
  duplicate_column: { status: 422, meaning: 'A column is asked for twice.' },
  no_columns: { status: 422, meaning: 'The export names no column.' },
  unknown_filter: { status: 422, meaning: 'A filter is not one the list or export takes.' },
  invalid_filter: { status: 422, meaning: 'A filter value is malformed.' },
  invalid_format: { status: 422, meaning: 'The export format is not csv, jsonl or parquet.' },
  invalid_compression: { status: 422, meaning: 'The compression is not one Roster writes.' },
  compression_not_supported: { status: 422, meaning: 'This format does not take that compression.' },
  invalid_since_seq: { status: 422, meaning: 'since_seq is not a sequence number.' },
  since_seq_ahead: { status: 422, meaning: 'since_seq is ahead of the change feed.' },
  invalid_cron: { status: 422, meaning: 'The schedule is not a five-field cron expression.' },
  invalid_timezone: { status: 422, meaning: 'The time zone is not an IANA zone name.' },
  invalid_destination: { status: 422, meaning: 'The destination is incomplete or malformed.' },
  forbidden_destination: { status: 422, meaning: 'The destination is a private, loopback or link-local address.' },
  destination_unreachable: { status: 422, meaning: 'The destination did not answer the test.' },
  invalid_url: { status: 422, meaning: 'The webhook URL is not an https URL.' },
  forbidden_url: { status: 422, meaning: 'The webhook URL is a private, loopback or link-local address.' },
  reason_required: { status: 422, meaning: 'An erasure needs a reason; it is kept in the audit log and on the certificate.' },
  legal_hold_required: { status: 422, meaning: 'Say whether the anti-money-laundering record is kept: legal_hold true or false.' },
  invalid_retention: { status: 422, meaning: 'A retention period is malformed; details list each.' },
  invalid_duration: { status: 422, meaning: 'Detail of invalid_retention: not a period like 30d, 12w or 3y, null or "default".' },
  empty_selection: { status: 422, meaning: 'The bulk action selects no user.' },
  invalid_name: { status: 422, meaning: 'The organization or application name is empty.' },
  invalid_role: { status: 422, meaning: 'The role is not one of OWNER, ADMIN, COMPLIANCE_OFFICER, DEVELOPER, READER.' },
  weak_password: { status: 422, meaning: 'The password is shorter than the minimum, or over 1,024 characters.' },
  same_password: { status: 422, meaning: 'The new password is the current one.' },
  invalid_reset_link: { status: 422, meaning: 'The password-reset link is unknown, used or expired.' },
  needs_mapping: { status: 422, meaning: 'Command line: no column maps to vendor_data; pass --mapping.' },
  import_not_ready: { status: 422, meaning: 'Command line: the import did not reach ready.' },
  // Field problems of the users API (and the same checks on import rows).
  missing_vendor_data: { status: 422, meaning: 'vendor_data is absent.' },
  invalid_vendor_data: { status: 422, meaning: 'vendor_data is not a non-empty string of valid text.' },
  vendor_data_too_long: { status: 422, meaning: 'vendor_data is over 2000 bytes.' },
  vendor_data_immutable: { status: 422, meaning: 'vendor_data cannot be changed.' },
  invalid_display_name: { status: 422, meaning: 'display_name is not a string, or holds control characters.' },
  display_name_too_long: { status: 422, meaning: 'display_name is over 500 characters.' },
  invalid_full_name: { status: 422, meaning: 'full_name is not a string, or holds control characters.' },
  full_name_too_long: { status: 422, meaning: 'full_name is over 500 characters.' },
  invalid_email: { status: 422, meaning: 'Not an email address.' },
  invalid_phone: { status: 422, meaning: 'Not an E.164 phone number.' },
  invalid_country: { status: 422, meaning: 'Not an ISO 3166-1 alpha-3 country code.' },
  invalid_date_of_birth: { status: 422, meaning: 'Not a real date (YYYY-MM-DD) in the past.' },
  invalid_status: { status: 422, meaning: 'Not one of the user statuses.' },
  missing_status: { status: 422, meaning: 'status is absent.' },
  status_requires_reason: { status: 422, meaning: 'This status change needs a reason.' },
  missing_reason: { status: 422, meaning: 'reason is absent.' },
  invalid_reason: { status: 422, meaning: 'reason is not a string of storable text.' },
  reason_too_long: { status: 422, meaning: 'reason is too long.' },
  missing_status_reason: { status: 422, meaning: 'status_reason is absent (where one is required).' },
  invalid_status_reason: { status: 422, meaning: 'An import row: status_reason is not storable text.' },
  status_reason_too_long: { status: 422, meaning: 'An import row: status_reason is too long.' },
  invalid_tags: { status: 422, meaning: 'tags is not an array of strings, or a tag holds a comma or control characters, or is over 100 characters.' },
  too_many_tags: { status: 422, meaning: 'More than 50 tags.' },
  invalid_metadata: { status: 422, meaning: 'metadata is not a JSON object of storable values.' },
  invalid_metadata_json: { status: 422, meaning: 'metadata_json is not valid JSON.' },
  metadata_too_large: { status: 422, meaning: 'metadata is over 64 KB as JSON.' },
  metadata_too_deep: { status: 422, meaning: 'metadata is nested more than 32 levels.' },
  unknown_field: { status: 422, meaning: 'A key the endpoint does not take (never silently dropped).' },
  read_only_field: { status: 422, meaning: 'A read-only field of the user was sent.' },
  verified_field: { status: 422, meaning: 'A field verified by a session cannot be written directly.' },
  exactly_one_list: { status: 422, meaning: 'Send exactly one of the id lists.' },
  invalid_list: { status: 422, meaning: 'The list is not an array of strings.' },
  too_many_ids: { status: 422, meaning: 'More ids than one request may name.' },
  invalid_didit_internal_id: { status: 422, meaning: 'An id is not a UUID.' },
  exactly_one_selection: { status: 422, meaning: 'Send exactly one of ids and filters.' },
  invalid_ids: { status: 422, meaning: 'ids is not a non-empty array of user ids.' },
  invalid_action: { status: 422, meaning: 'The bulk action is not one Roster knows.' },
  missing_tag: { status: 422, meaning: 'The tag is absent.' },
  missing_session_id: { status: 422, meaning: 'session_id is absent.' },
  invalid_session_id: { status: 422, meaning: 'session_id is not a string within the length limit, without control characters or surrounding spaces.' },
  invalid_session_status: { status: 422, meaning: 'The session status is not one Roster knows.' },
  invalid_issuing_state: { status: 422, meaning: 'issuing_state is not an ISO 3166-1 alpha-3 country code.' },
  invalid_completed_at: { status: 422, meaning: 'completed_at is not an ISO 8601 instant.' },
  missing_image: { status: 422, meaning: 'No image was sent.' },
  invalid_image: { status: 422, meaning: 'The image is not a JPEG, PNG or WebP Roster can read.' },
  missing_comment: { status: 422, meaning: 'comment is absent (where one is required).' },
  invalid_comment: { status: 422, meaning: 'comment is not a string of storable text.' },
  comment_too_long: { status: 422, meaning: 'comment is too long.' },

  // 429: too many.
  rate_limited: { status: 429, meaning: "The API key's per-minute limit is spent; retry after Retry-After seconds." },
  too_many_attempts: { status: 429, meaning: 'Too many failed password attempts; retry after Retry-After seconds.' },
  too_many_pending_exports: { status: 429, meaning: 'The operator has 10 exports queued or running.' },

  // 5xx: not the caller's fault.
  internal_error: { status: 500, meaning: 'A bug on our side; it is logged. Bad input never gets it.' },
  export_failed: { status: 500, meaning: 'Command line: the export failed.' },
  database_unavailable: { status: 503, meaning: 'The database is not reachable right now; retry after Retry-After seconds.' },
  sign_in_busy: { status: 503, meaning: 'Too many passwords are being checked at once; retry in a second.' },
  mail_unavailable: { status: 503, meaning: 'The mail could not be sent right now; retry later.' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof errorCodes;

/** The codes that come with `status`: `badRequest` takes a 400 code only, and so on. */
export type ErrorCodeWithStatus<Status extends number> = { [Code in ErrorCode]: (typeof errorCodes)[Code]['status'] extends Status ? Code : never }[ErrorCode];

export const errorCodeNames = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCodes, value);
}
