import { RateLimiter } from '../../http/rate-limit.ts';
import { localFilesRoutes } from '../../platform/storage/storage.ts';
import type { Feature } from '../feature.ts';
import { registerFaceRoutes } from './faces.routes.ts';
import { registerConsoleUsersRoutes } from './users.console.routes.ts';
import { registerUsersApiRoutes } from './users.routes.ts';

export const usersFeature: Feature = {
  name: 'users',
  async routes(app, ctx) {
    // One limiter per app instance: separate instances (and test files) keep separate counters.
    const limiter = new RateLimiter({ readsPerMinute: ctx.config.RATE_LIMIT_READS_PER_MINUTE, writesPerMinute: ctx.config.RATE_LIMIT_WRITES_PER_MINUTE });
    await registerUsersApiRoutes(app, ctx, limiter);
    await registerFaceRoutes(app, ctx, limiter);
    await registerConsoleUsersRoutes(app, ctx);
    // Signed links of the local-disk store (faces, and any other file) are served here; S3 serves its own.
    if (ctx.storage.kind === 'local') await app.register(localFilesRoutes, { storage: ctx.storage, secret: ctx.config.ROSTER_SECRET });
  },
};

// Every console answer holding users or faces goes through these (CONTRACT §6: personal data by role).
export { consoleUserSchema, consoleUserWithFacesSchema, redactFaces, redactUser, seesPersonalData } from './user-redaction.ts';
