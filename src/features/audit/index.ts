import type { Feature } from '../feature.ts';
import { registerAuditRoutes } from './audit.routes.ts';

/** The audit log's routes. Other features import the audit writer from audit-writer.public.ts (docs/architecture.md#feature-boundaries). */
export const auditFeature: Feature = {
  name: 'audit',
  routes: registerAuditRoutes,
};

// A subject-access package's history.json (docs/privacy.md#subject-access).
export { findEntriesAbout as auditEntriesAbout } from './audit.repository.ts';
