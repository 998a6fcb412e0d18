import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { clientIp, operatorOf, requireOperator } from './auth.hooks.ts';
import { consoleSecurity, idParams, listOf, operatorSchema, roleSchema } from './auth.schemas.ts';
import { addOperator, changeOperator, listOrganizationOperators, removeOrganizationOperator } from './operators.service.ts';

const newOperatorBody = z.object({
  email: z.string().trim().min(1, 'is required').max(320),
  name: z.string().trim().max(200).optional(),
  role: roleSchema,
  password: z.string().min(8, 'must be at least 8 characters').max(1024).optional().describe('Generated and returned once when omitted'),
});

const operatorChangesBody = z
  .object({ role: roleSchema.optional(), name: z.string().trim().max(200).optional() })
  .refine((body) => body.role !== undefined || body.name !== undefined, 'send role, name or both');

export async function registerOperatorRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['console: operators'];
  const preHandler = requireOperator(ctx);

  app.get(
    '/api/console/operators',
    { preHandler, schema: { tags, summary: "The organization's operators (any role may look)", security: consoleSecurity, response: { 200: listOf(operatorSchema) } } },
    async (request) => ({ results: await listOrganizationOperators(ctx, operatorOf(request)), next: null }),
  );

  app.post(
    '/api/console/operators',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Add an operator (OWNER; ADMIN for roles below OWNER). A generated password is returned once.',
        security: consoleSecurity,
        body: newOperatorBody,
        response: { 201: z.object({ operator: operatorSchema, password: z.string().optional() }) },
      },
    },
    async (request, reply) => {
      const created = await addOperator(ctx, operatorOf(request), request.body, { ip: clientIp(request) });
      return reply.status(201).send(created.password === undefined ? { operator: created.operator } : created);
    },
  );

  app.patch(
    '/api/console/operators/:id',
    {
      preHandler,
      schema: {
        tags,
        summary: "Change an operator's role or name (anyone may rename themselves)",
        security: consoleSecurity,
        params: idParams,
        body: operatorChangesBody,
        response: { 200: operatorSchema },
      },
    },
    async (request) => changeOperator(ctx, operatorOf(request), request.params.id, request.body, { ip: clientIp(request) }),
  );

  app.delete(
    '/api/console/operators/:id',
    { preHandler, schema: { tags, summary: 'Remove an operator: ends their sessions and revokes their tokens', security: consoleSecurity, params: idParams } },
    async (request, reply) => {
      await removeOrganizationOperator(ctx, operatorOf(request), request.params.id, { ip: clientIp(request) });
      return reply.status(204).send();
    },
  );
}
