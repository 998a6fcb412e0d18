import type { Feature } from '../feature.ts';
import { faceImportJob } from './face-import.job.ts';
import { registerFaceImportRoutes } from './face-imports.routes.ts';
import { sweepFaceImportsJob } from './sweep-face-imports.job.ts';

export const faceImportsFeature: Feature = {
  name: 'face-imports',
  routes: registerFaceImportRoutes,
  jobs: [faceImportJob, sweepFaceImportsJob],
};

export { createFaceImport, getFaceImport, type FaceImportActor } from './face-imports.service.ts';
export type { FaceImportView } from './face-imports.schemas.ts';
