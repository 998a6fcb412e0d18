import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { authorize, clientIp, operatorOf, requireOperator } from './auth.hooks.ts';
import { applicationSchema, consoleSecurity, listOf, nameField } from './auth.schemas.ts';
import { createApplication } from './tenancy.service.ts';

export async function registerAppRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['console: applications'];
  const preHandler = requireOperator(ctx);

  app.get(
    '/api/console/apps',
    { preHandler, schema: { tags, summary: "The organization's applications, oldest first", security: consoleSecurity, response: { 200: listOf(applicationSchema) } } },
    async (request) => {
      const operator = operatorOf(request);
      const rows = await ctx.db.selectFrom('applications').select(['id', 'name', 'created_at']).where('org_id', '=', operator.orgId).orderBy('created_at').orderBy('id').execute();
      return { results: rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() })), next: null };
    },
  );

  app.post(
    '/api/console/apps',
    {
      preHandler,
      schema: { tags, summary: 'Create an application (OWNER, ADMIN)', security: consoleSecurity, body: z.object({ name: nameField }), response: { 201: applicationSchema } },
    },
    async (request, reply) => {
      const operator = operatorOf(request);
      authorize(operator, 'apps.manage');
      const created = await createApplication(ctx.db, operator.orgId, request.body.name, operator, { ip: clientIp(request) });
      return reply.status(201).send({ id: created.id, name: created.name, created_at: created.created_at.toISOString() });
    },
  );
}
