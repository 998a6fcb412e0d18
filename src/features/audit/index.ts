import type { Feature } from '../feature.ts';
import { registerAuditRoutes } from './audit.routes.ts';
import { readsOnRecord } from './reads-on-record.ts';

/**
 * The audit log's routes, and the audit writer (re-exported). The auth feature, which the routes need,
 * imports the writer from audit-writer.public.ts instead, or the two would import each other
 * (docs/architecture.md#feature-boundaries).
 */
export const auditFeature: Feature = {
  name: 'audit',
  async routes(app, ctx) {
    await registerAuditRoutes(app, ctx);
    // Reads queued for the trail are written before the server goes (docs/privacy.md#reads-on-record).
    app.addHook('onClose', () => readsOnRecord(ctx.db, ctx.log).flush());
  },
};

export * from './audit-writer.public.ts';

// A subject-access package's history.json (docs/privacy.md#subject-access).
export { findEntriesAbout as auditEntriesAbout } from './audit.repository.ts';
