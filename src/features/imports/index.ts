import type { Feature } from '../feature.ts';
import { registerImportRoutes } from './imports.routes.ts';
import { revertImportJob } from './revert/revert-import.job.ts';
import { runImportJob } from './run/run-import.job.ts';
import { importUpkeep } from './import-upkeep.ts';
import { revertUpkeep } from './revert/revert-operation.ts';
import { validateImportJob } from './validation/validate-import.job.ts';

export const importsFeature: Feature = {
  name: 'imports',
  routes: registerImportRoutes,
  jobs: [validateImportJob, runImportJob, revertImportJob],
  operations: [importUpkeep, revertUpkeep],
};

/** For a staging table rebuilt from the stored file: re-applies mappings, accepted fixes and cell edits (docs/vendor-migration.md). */
export { importDecisions } from './staging/stage-plan.ts';
// Erasure (docs/privacy.md#erasure): the person's staged rows, the files that held them, free text naming them.
export { deleteImportFilesForErasure, eraseStagedRows, importsErasableText } from './import-erasure.ts';
// The overview lists recent imports; a face import reads its CSV index and writes its report as imports do.
export { listImports } from './imports.service.ts';
export { readCsv } from './readers/csv-reader.ts';
export { csvLine } from './import-files.ts';
// Retention per application (docs/privacy.md#retention): an import's file and staged rows, rejected rows included.
export { sweepExpiredImports } from './import-upkeep.ts';
