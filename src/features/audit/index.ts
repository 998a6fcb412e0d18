import type { Feature } from '../feature.ts';
import { registerAuditRoutes } from './audit.routes.ts';

/**
 * The audit log's routes, and the audit writer (re-exported). The auth feature, which the routes need,
 * imports the writer from audit-writer.public.ts instead, or the two would import each other
 * (docs/architecture.md#feature-boundaries).
 */
export const auditFeature: Feature = {
  name: 'audit',
  routes: registerAuditRoutes,
};

export * from './audit-writer.public.ts';

// A subject-access package's history.json (docs/privacy.md#subject-access).
export { findEntriesAbout as auditEntriesAbout } from './audit.repository.ts';
