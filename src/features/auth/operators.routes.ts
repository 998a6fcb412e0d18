import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { clientIp, operatorOf, requireOperator } from './auth.hooks.ts';
import { consoleSecurity, idParams, listOf, operatorEmailField, operatorSchema, roleSchema } from './auth.schemas.ts';
import { inviteOperator } from './invitations.service.ts';
import { changeOperator, listOrganizationOperators, removeOrganizationOperator } from './operators.service.ts';

const newOperatorBody = z.object({
  email: operatorEmailField,
  name: safeString({ trim: true, max: 200 }).optional(),
  role: roleSchema,
});

const invitationSentSchema = z.object({
  status: z.literal('invitation_sent'),
  email: z.string(),
  role: roleSchema,
  expires_at: z.string(),
  message: z.string(),
});

const operatorChangesBody = z
  .object({ role: roleSchema.optional(), name: safeString({ trim: true, max: 200 }).optional() })
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
        summary:
          'Invite an operator (OWNER; ADMIN for roles below OWNER). Always 202 "invitation sent": the address gets a one-time link to choose a password, or, if it already has an account, a mail saying so.',
        security: consoleSecurity,
        body: newOperatorBody,
        response: { 202: invitationSentSchema },
      },
    },
    async (request, reply) => reply.status(202).send(await inviteOperator(ctx, operatorOf(request), request.body, { ip: clientIp(request) })),
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
