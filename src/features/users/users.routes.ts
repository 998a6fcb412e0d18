import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { type RateLimiter, rateLimitByApiKey } from '../../http/rate-limit.ts';
import { apiKeyOf, clientIp, requireApiKey } from '../auth/index.ts';
import { recordSession } from './user-sessions.service.ts';
import { createUserBody, deletedResponse, deleteUsersBody, listUsersQuery, patchUserBody, patchUserQuery, recordSessionBody, toUserResponse, updateStatusBody, userListResponse, type UserResponse, userSchema, vendorDataParams } from './users.schemas.ts';
import { rejectUnknownParameters } from './users.filters.ts';
import { filtersUsed, recordUsersShown } from './users-reads.ts';
import { createUser, deleteUsers, findUserJson, listUsers, patchUser, updateUserStatus, type UsersActor } from './users.service.ts';
import { errorResponse } from '../../http/error-response.ts';

export const apiKeySecurity = [{ apiKey: [] }];

export const apiErrors = { 400: errorResponse, 401: errorResponse, 404: errorResponse, 409: errorResponse, 413: errorResponse, 422: errorResponse, 429: errorResponse };

/** The contract writes every path with a trailing slash; scripts often drop it. Both work; the docs list the first. */
export function slashVariants(path: string): [string, boolean][] {
  return [
    [path, false],
    [path.replace(/\/$/, ''), true],
  ];
}

export function apiActor(request: FastifyRequest): UsersActor {
  const principal = apiKeyOf(request);
  return { principal, appId: principal.appId, ip: clientIp(request) };
}

/** The users API (`x-api-key`): every path of the contract's section 4 except faces (faces.routes.ts). */
export async function registerUsersApiRoutes(scope: FastifyInstance, ctx: AppContext, limiter: RateLimiter): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  // Before the body is read: an unknown key or an exhausted limit costs no parsing.
  const onRequest = [requireApiKey(ctx), rateLimitByApiKey(limiter)];
  const tags = ['users API'];
  const security = apiKeySecurity;

  for (const [url, hide] of slashVariants('/v3/users/create/')) {
    app.post(
      url,
      { onRequest, schema: { hide, tags, security, summary: 'Create a user', body: createUserBody, response: { 201: userSchema, ...apiErrors } } },
      async (request, reply) => reply.status(201).send(toUserResponse(await createUser(ctx, apiActor(request), request.body))),
    );
  }

  for (const [url, hide] of slashVariants('/v3/users/delete/')) {
    app.post(
      url,
      { onRequest, schema: { hide, tags, security, summary: 'Delete users by vendor_data or by didit_internal_id (idempotent)', body: deleteUsersBody, response: { 200: deletedResponse, ...apiErrors } } },
      async (request) => ({ deleted: await deleteUsers(ctx, apiActor(request), request.body) }),
    );
  }

  const listParameters = Object.keys(listUsersQuery.shape);
  for (const [url, hide] of slashVariants('/v3/users/')) {
    app.get(
      url,
      { onRequest, schema: { hide, tags, security, summary: 'List users, newest first, filtered; page with `cursor`', querystring: listUsersQuery, response: { 200: userListResponse, ...apiErrors } } },
      async (request) => {
        rejectUnknownParameters(request.url, listParameters);
        const { page_size: pageSize, cursor, ...filters } = request.query;
        const actor = apiActor(request);
        const page = await listUsers(ctx, actor.appId, filters, pageSize, cursor);
        recordUsersShown(ctx, actor, 'users.listed', page.rows.map((row) => row.didit_internal_id), { filters: filtersUsed(filters) });
        return { results: page.rows.map(toUserResponse), next: page.next };
      },
    );
  }

  for (const [url, hide] of slashVariants('/v3/users/:vendor_data/')) {
    app.get(
      url,
      { onRequest, schema: { hide, tags, security, summary: 'Get a user by vendor_data', params: vendorDataParams, response: { 200: userSchema, ...apiErrors } } },
      async (request, reply) => {
        const actor = apiActor(request);
        const json = await findUserJson(ctx, actor.appId, request.params.vendor_data);
        // Parsed only when API reads are on record: the answer itself goes out as PostgreSQL built it.
        if (ctx.config.AUDIT_API_READS) recordUsersShown(ctx, actor, 'user.viewed', [(JSON.parse(json) as { didit_internal_id: string }).didit_internal_id]);
        // Already the user object as JSON (built by PostgreSQL, see users.repository.ts): a string with a JSON type goes out as is.
        return reply.type('application/json; charset=utf-8').send(json as unknown as UserResponse);
      },
    );
    app.patch(
      url,
      {
        onRequest,
        schema: { hide, tags, security, summary: 'Update the fields sent (metadata is replaced whole)', params: vendorDataParams, querystring: patchUserQuery,
        body: patchUserBody, response: { 200: userSchema, ...apiErrors } },
      },
      async (request) => toUserResponse(await patchUser(ctx, apiActor(request), { vendorData: request.params.vendor_data }, request.body, { tags: request.query.tags_mode, metadata: request.query.metadata_mode })),
    );
  }

  for (const [url, hide] of slashVariants('/v3/users/:vendor_data/update-status/')) {
    app.patch(
      url,
      { onRequest, schema: { hide, tags, security, summary: 'Set the status, with a reason', params: vendorDataParams, body: updateStatusBody, response: { 200: userSchema, ...apiErrors } } },
      async (request) => toUserResponse(await updateUserStatus(ctx, apiActor(request), { vendorData: request.params.vendor_data }, request.body)),
    );
  }

  for (const [url, hide] of slashVariants('/v3/users/:vendor_data/sessions/')) {
    app.post(
      url,
      {
        onRequest,
        schema: { hide, tags, security, summary: "Record a verification session's outcome (idempotent per session_id)", params: vendorDataParams, body: recordSessionBody, response: { 200: userSchema, ...apiErrors } },
      },
      async (request) => toUserResponse(await recordSession(ctx, apiActor(request), request.params.vendor_data, request.body)),
    );
  }
}
