import { PostgresBudgetStore, RateLimiter } from '../../http/rate-limit.ts';
import { localFilesRoutes } from '../../platform/storage/storage.ts';
import type { Feature } from '../feature.ts';
import { registerFaceRoutes } from './faces.routes.ts';
import { registerConsoleUsersRoutes } from './users.console.routes.ts';
import { registerUsersCountRoute } from './users-count.routes.ts';
import { bulkActionJob } from './bulk/bulk-action.job.ts';
import { bulkActionUpkeep } from './bulk/bulk-action-operation.ts';
import { registerBulkActionRoutes } from './bulk/bulk-actions.routes.ts';
import { registerUsersApiRoutes } from './users.routes.ts';
import { registerChangeFeedRoutes } from './user-changes.routes.ts';

/**
 * The users module's public face. Other features read and change users only through what is
 * exported here; the `users` table has one writer.
 *
 * - The field catalogue (`userCatalogue` and the lists derived from it): each user field declared once,
 *   with its column, CSV name, API name, personal-data flag, who may write it, and whether a
 *   verification freezes it. Build mappings, validation or column lists from it, never from a copy.
 * - `mergeStagedChunk`: applies one chunk of an import's staged rows to `users` and writes each
 *   changed user's audit entry in the same statement (docs/import-ledger.md#per-user-history).
 * - `revertLedgerChunk` / `forecastRevert`: undo an import from its ledger (docs/import-ledger.md#revert).
 * - Validators per field (`fieldValidators` for API values, `cellParsers` for CSV cells).
 * - The change feed (docs/change-feed.md): `user_changes` has one writer, user-changes.repository.ts, which
 *   every path above calls in the change's transaction. Readers: `readChangeCounter` (an export's
 *   as_of_seq), `pruneChanges` (retention), and the feed routes.
 */
export {
  apiWritableFields,
  effectiveName,
  effectiveNameSql,
  fieldByCsv,
  fieldByName,
  frozenOnceVerifiedFields,
  importChangeFields,
  importFields,
  personalDataCsvColumns,
  personalDataFields,
  readOnlyApiFields,
  userCatalogue,
  type ApiWritableFieldName,
  type CsvColumnName,
  type FieldKind,
  type ImportChangeFieldName,
  type ImportCsvColumn,
  type ImportFieldName,
  type UserFieldName,
  type UserFieldSpec,
} from '../../shared/user-catalogue.ts';
export * from './user-rules.public.ts';
export { forecastRevert, revertLedgerChunk, type RevertChunkOutcome, type RevertConflict, type RevertConflictReason, type RevertContext, type RevertForecast } from './user-revert.ts';
export { importModes, mergeStagedChunk, type ImportMode, type MergeContext, type MergeOutcome, type MergeSkipCode, type SqlRunner, type StagedChunk } from './user-merge.ts';

export const usersFeature: Feature = {
  name: 'users',
  jobs: [bulkActionJob],
  operations: [bulkActionUpkeep],
  async routes(app, ctx) {
    // One limiter per app instance: separate instances (and test files) keep separate counters.
    const limits = { readsPerMinute: ctx.config.RATE_LIMIT_READS_PER_MINUTE, writesPerMinute: ctx.config.RATE_LIMIT_WRITES_PER_MINUTE };
    // Budgets live in PostgreSQL, so every serve process of a deployment counts against one limit.
    const limiter = new RateLimiter(limits, new PostgresBudgetStore(ctx.db));
    await registerUsersApiRoutes(app, ctx, limiter);
    await registerChangeFeedRoutes(app, ctx, limiter);
    await registerFaceRoutes(app, ctx, limiter);
    await registerConsoleUsersRoutes(app, ctx);
    await registerUsersCountRoute(app, ctx);
    await registerBulkActionRoutes(app, ctx);
    // Signed links of the local-disk store (faces, and any other file) are served here; S3 serves its own.
    if (ctx.storage.kind === 'local') await app.register(localFilesRoutes, { storage: ctx.storage, secret: ctx.config.ROSTER_SECRET });
  },
};

// Every console answer holding users or faces goes through these (docs/roles.md#personal-data-by-role).
export { consoleUserSchema, consoleUserWithFacesSchema, redactFaces, redactFilters, redactUser, scopeFiltersToRole, seesPersonalData } from './user-redaction.ts';
// What other features may use: bulk faces store images through the same checks and writer as the API.
export { checkFaceImage, MAX_FACE_BYTES, storeFace } from './faces.service.ts';
export { findUser, type UsersActor } from './users.service.ts';
export {
  publishLedgerEntries,
  publishUserChanges,
  pruneChanges,
  readChangeCounter,
  readChangePage,
  type ChangeSourceKind,
  type ChangeType,
  type UserChangeInput,
} from './user-changes.repository.ts';
export type { Change } from './user-changes.service.ts';
// Erasure (docs/privacy.md#erasure): the person's values, the user row's removal with `user.erased`, the feed's values.
export { eraseUserChangesBatch, readErasureSubject, removeErasedUser, usersErasableText, type ErasureSubject, type RemovedUser } from './user-erasure.ts';
// A subject-access package reads the person through these (docs/privacy.md#subject-access).
export { readSubjectFaces, readSubjectFeed, readSubjectSessions, readSubjectUser, type SubjectFace, type SubjectFeedChange, type SubjectSession, userObjectMatchesFilters } from './subject-data.ts';
// An import's reason is checked like a user's note; the overview counts users; exports filter users as the
// users API does; an import refreshes the planner's statistics of users it grew (docs/imports.md).
export { validationError } from './user-input.ts';
export { countUsers } from './users-count.ts';
export { userStats } from './users-stats.ts';
export { userFilterBodySchema, type UserFilters, userFilterWhere } from './users.filters.ts';
export { countAppUsersUpTo, refreshUserStatisticsIfAppOutgrew, refreshUserStatisticsIfStale } from './users-statistics.ts';
// Retention per application (docs/privacy.md#retention): faces past their period, inactive users.
export { deleteFacesUploadedBefore, deleteInactiveUsers } from './user-retention.ts';
