import type { Feature } from '../feature.ts';
import { exportJob } from './export.job.ts';
import { registerExportRoutes } from './exports.routes.ts';
import { exportUpkeep } from './export-upkeep.ts';

export const exportsFeature: Feature = {
  name: 'exports',
  routes: registerExportRoutes,
  jobs: [exportJob],
  operations: [exportUpkeep],
};

// What other features may use: export schedules make ordinary exports and deliver their files.
export { exportFiles, listExportsPage, presentExport, requestExport } from './exports.service.ts';
export { findExport, type ExportRecord } from './exports.repository.ts';
export { parseExportFilters, resolveExportColumns, type ExportRequest } from './export-options.ts';
// Erasure (docs/privacy.md#erasure): unexpired files holding the person are deleted; free text naming them.
export { deleteExportFilesHolding, exportsErasableText, type ErasedPerson } from './export-erasure.ts';

// A subject-access package lists the exports that may have held a person (docs/privacy.md#recipients).
export { listDeliveredExports, type DeliveredExport } from './export-recipients.ts';
// Retention per application (docs/privacy.md#retention).
export { deleteExportFilesFinishedBefore } from './export-upkeep.ts';
