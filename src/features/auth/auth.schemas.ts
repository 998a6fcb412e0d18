import { z } from 'zod';
import type { Role } from '../../db/schema.ts';
import { roles } from '../../shared/roles.ts';
import { safeString } from '../../platform/validation/safe-text.ts';

/** Shapes shared by the console's auth routes; dates leave as ISO strings. */
export const roleSchema = z.enum(roles as readonly Role[] as [Role, ...Role[]]).describe('OWNER > ADMIN > COMPLIANCE_OFFICER > DEVELOPER > READER');

export const operatorSummarySchema = z.object({ id: z.string(), email: z.string(), name: z.string(), role: roleSchema });
export const operatorSchema = operatorSummarySchema.extend({ created_at: z.string() });
export const organizationSchema = z.object({ id: z.string(), name: z.string() });
export const applicationSchema = z.object({ id: z.string(), name: z.string(), created_at: z.string() });

export const idParams = z.object({ id: z.string() });
export const appParams = z.object({ app_id: z.string() });
export const appItemParams = z.object({ app_id: z.string(), id: z.string() });

/** Names of tokens, keys, applications and operators: the shared safe-string rule, no control characters. */
export const nameField = safeString({ trim: true, min: 1, max: 200 });

/** An operator's email as typed at sign-in or when inviting: no NUL, no control characters. */
export const operatorEmailField = safeString({ trim: true, min: 1, max: 320 });

/** Every list answers `{results, next}`; these lists are short enough to come whole, so next is null. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ results: z.array(item), next: z.string().nullable() });
}

/** The session cookie works too; OpenAPI lists the token, which is what scripts use. */
export const consoleSecurity = [{ consoleToken: [] }];

export const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
