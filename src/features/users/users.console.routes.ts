import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { authorize, clientIp, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { facesOfUser } from './faces.service.ts';
import { listUsersSorted, userSortQuery } from './user-sort.ts';
import { consoleUserSchema, consoleUserWithFacesSchema, redactFaces, redactUser, scopeFiltersToRole, seesPersonalData } from './user-redaction.ts';
import { filtersUsed, recordUsersShown } from './users-reads.ts';
import { rejectUnknownParameters } from './users.filters.ts';
import { deletedResponse, listUsersQuery, patchUserBody, patchUserQuery, toUserResponse, updateStatusBody } from './users.schemas.ts';
import { deleteUsers, findUser, patchUser, updateUserStatus } from './users.service.ts';
import { errorResponse } from '../../http/error-response.ts';

const appParams = z.object({ app_id: z.string() });
const userParams = z.object({ app_id: z.string(), didit_internal_id: z.string() });
const consoleSecurity = [{ consoleToken: [] }];
const consoleUserListResponse = z.object({ results: z.array(consoleUserSchema), next: z.string().nullable() });
const consoleListQuery = listUsersQuery.extend({ sort: userSortQuery });
const consoleErrors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 422: errorResponse };

/** The console's users pages: the same filters and rules as the users API, with the operator as actor. */
export async function registerConsoleUsersRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const onRequest = requireOperator(ctx);
  const tags = ['console: users'];
  const security = consoleSecurity;

  app.get(
    '/api/console/apps/:app_id/users',
    {
      onRequest,
      schema: { tags, security, summary: "The application's users, filtered and sorted (newest first by default); personal data withheld from DEVELOPER and READER, listed in `redacted`", params: appParams, querystring: consoleListQuery, response: { 200: consoleUserListResponse, ...consoleErrors } },
    },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.read');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      rejectUnknownParameters(request.url, Object.keys(consoleListQuery.shape));
      const { page_size: pageSize, cursor, sort, ...filters } = request.query;
      const page = await listUsersSorted(ctx.db, application.id, scopeFiltersToRole(operator.role, filters), sort, pageSize, cursor || undefined);
      const read = { principal: operator, appId: application.id, ip: clientIp(request) };
      recordUsersShown(ctx, read, 'users.listed', page.rows.map((row) => row.didit_internal_id), { filters: filtersUsed(filters), redacted: !seesPersonalData(operator.role) });
      return { results: page.rows.map((row) => redactUser(operator.role, toUserResponse(row))), next: page.next };
    },
  );

  app.get(
    '/api/console/apps/:app_id/users/:didit_internal_id',
    { onRequest, schema: { tags, security, summary: 'A user with its faces (signed image links)', params: userParams, response: { 200: consoleUserWithFacesSchema, ...consoleErrors } } },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.read');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      const user = await findUser(ctx, application.id, { id: request.params.didit_internal_id });
      const faces = redactFaces(operator.role, await facesOfUser(ctx, application.id, user.didit_internal_id));
      // The page's face links are part of this read: details.faces says how many it gave.
      const read = { principal: operator, appId: application.id, ip: clientIp(request) };
      recordUsersShown(ctx, read, 'user.viewed', [user.didit_internal_id], { faces: faces.filter((face) => 'image_url' in face).length, redacted: !seesPersonalData(operator.role) });
      return { ...redactUser(operator.role, toUserResponse(user)), faces };
    },
  );

  app.patch(
    '/api/console/apps/:app_id/users/:didit_internal_id/status',
    { onRequest, schema: { tags, security, summary: "Set a user's status, with a reason (OWNER, ADMIN, COMPLIANCE_OFFICER)", params: userParams, body: updateStatusBody, response: { 200: consoleUserSchema, ...consoleErrors } } },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.write');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      const actor = { principal: operator, appId: application.id, ip: clientIp(request) };
      return redactUser(operator.role, toUserResponse(await updateUserStatus(ctx, actor, { id: request.params.didit_internal_id }, request.body)));
    },
  );

  app.patch(
    '/api/console/apps/:app_id/users/:didit_internal_id',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: "Edit a user's profile fields, tags and metadata (OWNER, ADMIN, COMPLIANCE_OFFICER); same rules as PATCH /v3/users/{vendor_data}/",
        params: userParams,
        querystring: patchUserQuery,
        body: patchUserBody,
        response: { 200: consoleUserSchema, ...consoleErrors },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.write');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      const actor = { principal: operator, appId: application.id, ip: clientIp(request) };
      return redactUser(operator.role, toUserResponse(await patchUser(ctx, actor, { id: request.params.didit_internal_id }, request.body, { tags: request.query.tags_mode, metadata: request.query.metadata_mode })));
    },
  );

  app.delete(
    '/api/console/apps/:app_id/users/:didit_internal_id',
    { onRequest, schema: { tags, security, summary: 'Delete a user with its faces and sessions (OWNER, ADMIN, COMPLIANCE_OFFICER)', params: userParams, response: { 200: deletedResponse, ...consoleErrors } } },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.write');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      const actor = { principal: operator, appId: application.id, ip: clientIp(request) };
      // Through the users service, so the delete is audited like the API's; an unknown id is a 404 here.
      const user = await findUser(ctx, application.id, { id: request.params.didit_internal_id });
      return { deleted: await deleteUsers(ctx, actor, { didit_internal_id_list: [user.didit_internal_id] }) };
    },
  );
}
