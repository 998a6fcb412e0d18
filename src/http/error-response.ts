import { z } from 'zod';

/**
 * The body of every error answer, declared once for the OpenAPI document (/docs): `code` is stable for
 * scripts, `message` is for people. errors.ts (errorBody) builds it; docs/api.md lists the codes.
 */
export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });
