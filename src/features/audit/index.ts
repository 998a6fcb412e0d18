import type { Feature } from '../feature.ts';
import { registerAuditRoutes } from './audit.routes.ts';

export const auditFeature: Feature = {
  name: 'audit',
  routes: registerAuditRoutes,
};
