import { z } from 'zod';
import { errorCodeNames, errorCodes } from '../shared/error-codes.ts';

/** The catalogue as a table for people reading /docs (docs/api.md#errors has the same table). */
export function errorCodeTable(): string {
  const rows = Object.entries(errorCodes).map(([code, entry]) => `| \`${code}\` | ${entry.status} | ${entry.meaning.replace(/\|/g, '\\|')} |`);
  return ['| code | status | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Every code an error answer may carry, one OpenAPI component (src/shared/error-codes.ts). */
export const errorCodeSchema = z.enum(errorCodeNames).meta({
  id: 'ErrorCode',
  description: `The stable code of an error answer: scripts branch on it; the HTTP status always matches it.\n\n${errorCodeTable()}`,
});

/**
 * The body of every error answer, declared once for the OpenAPI document (/docs): `code` is stable for
 * scripts, `message` is for people. errors.ts (errorBody) builds it.
 */
export const errorResponse = z
  .object({ error: z.object({ code: errorCodeSchema, message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'ErrorResponse' });

