import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../http/errors.ts';
import { type RateLimiter, rateLimitByApiKey } from '../../http/rate-limit.ts';
import { apiKeyOf, requireApiKey } from '../auth/index.ts';
import { uploadFace } from './faces.service.ts';
import { apiActor, apiErrors, apiKeySecurity, slashVariants } from './users.routes.ts';
import { faceSchema, faceUploadBody } from './users.schemas.ts';

/** Room for 2 MB of image as base64 (about 2.7 MB) plus the JSON around it. */
const FACE_BODY_LIMIT = 3 * 1024 * 1024;

const faceParams = z.object({ organization_id: z.string(), application_id: z.string(), didit_internal_id: z.string() });

/** The path names the organization and application; they must be the API key's, or nothing is there. */
async function requireKeyApplication(request: FastifyRequest): Promise<void> {
  const key = apiKeyOf(request);
  const params = request.params as z.infer<typeof faceParams>;
  if (params.organization_id.toLowerCase() !== key.orgId || params.application_id.toLowerCase() !== key.appId) throw notFound('Application');
}

export async function registerFaceRoutes(scope: FastifyInstance, ctx: AppContext, limiter: RateLimiter): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const onRequest = [requireApiKey(ctx), rateLimitByApiKey(limiter), requireKeyApplication];
  const path = '/v3/organization/:organization_id/application/:application_id/vendor-users/by-id/:didit_internal_id/faces/upload/';
  for (const [url, hide] of slashVariants(path)) {
    app.post(
      url,
      {
        onRequest,
        bodyLimit: FACE_BODY_LIMIT,
        schema: {
          hide,
          tags: ['users API'],
          security: apiKeySecurity,
          summary: 'Upload a face image (JPEG or PNG, at most 2 MB, at most 5 a user)',
          params: faceParams,
          body: faceUploadBody,
          response: { 201: faceSchema, ...apiErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await uploadFace(ctx, apiActor(request), request.params.didit_internal_id, request.body)),
    );
  }
}
