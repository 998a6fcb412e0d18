import type { ErasableText } from '../../platform/erasure/erase-values.ts';
import type { Feature } from '../feature.ts';
import { faceImportJob, faceImportUpkeep } from './face-import.job.ts';
import { registerFaceImportRoutes } from './face-imports.routes.ts';

export const faceImportsFeature: Feature = {
  name: 'face-imports',
  routes: registerFaceImportRoutes,
  jobs: [faceImportJob],
  operations: [faceImportUpkeep],
};

export { createFaceImport, getFaceImport, type FaceImportActor } from './face-imports.service.ts';
export type { FaceImportView } from './face-imports.schemas.ts';

/** Free-text columns that may name a person, for an erasure (docs/privacy.md#erasure): ZIP and entry file names. */
export const faceImportsErasableText: ErasableText[] = [
  { table: 'face_imports', key: ['id'], columns: ['file_name', 'error'], appScope: { column: 'app_id' } },
  { table: 'face_import_entries', key: ['face_import_id', 'entry'], columns: ['file'], appScope: { sql: '(SELECT f.app_id FROM face_imports f WHERE f.id = t.face_import_id)' } },
];
