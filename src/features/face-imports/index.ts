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
