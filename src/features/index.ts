import type { AppContext } from '../context.ts';
import { operationsSweepJob } from '../platform/operations/index.ts';
import type { Feature } from './feature.ts';
import { auditFeature } from './audit/index.ts';
import { authFeature } from './auth/index.ts';
import { exportsFeature } from './exports/index.ts';
import { exportSchedulesFeature } from './export-schedules/index.ts';
import { faceImportsFeature } from './face-imports/index.ts';
import { importsFeature } from './imports/index.ts';
import { usersFeature } from './users/index.ts';
import { overviewFeature } from './overview/index.ts';
import { upkeepFeature } from './upkeep/index.ts';
import { webhooksFeature } from './webhooks/index.ts';
import { erasureFeature } from './erasure/index.ts';
import { privacyFeature } from './privacy/index.ts';

export const features: Feature[] = [authFeature, auditFeature, usersFeature, importsFeature, exportsFeature, exportSchedulesFeature, faceImportsFeature, overviewFeature, upkeepFeature, webhooksFeature, erasureFeature, privacyFeature];

/** Every kind of long-running work, for the one sweeper (docs/operations.md). */
export const operationUpkeeps = features.flatMap((feature) => feature.operations ?? []);

export const operationsSweep = operationsSweepJob<AppContext>(() => operationUpkeeps);

export const allJobs = [...features.flatMap((feature) => feature.jobs ?? []), operationsSweep];

export const allServices = features.flatMap((feature) => feature.services ?? []);
