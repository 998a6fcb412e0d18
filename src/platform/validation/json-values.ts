/**
 * Rules for free-form JSON (a user's metadata) that the users API and an import share: the same keys
 * refused, the same numbers refused, the same text rules. Fastify's JSON parser already refuses
 * `__proto__` and `constructor.prototype` in API bodies; JSON.parse in an import keeps them, so the
 * check is made here for both. JSON.parse reads 1e400 as Infinity, which JSON.stringify writes as
 * null, and reads integers beyond 2^53 inexactly: both would be stored as something else than sent.
 */
import { isStorableText } from './safe-text.ts';

export type JsonProblem =
  | { kind: 'too_deep' }
  | { kind: 'unstorable'; path: string }
  | { kind: 'forbidden_key'; path: string; key: string }
  | { kind: 'number_out_of_range'; path: string };

/** Keys an object must not carry: they reach Object.prototype when the value is merged or copied naively. */
export function isForbiddenKey(key: string, value: unknown): boolean {
  if (key === '__proto__') return true;
  return key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype');
}

function isExactNumber(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  return !Number.isInteger(value) || Number.isSafeInteger(value);
}

const describePath = (path: string) => path || '(top level)';

/** The first problem of a JSON value, walked without unbounded recursion past `maxDepth`. */
export function jsonValueProblem(value: unknown, maxDepth: number, path = '', depth = 1): JsonProblem | null {
  if (typeof value === 'string') return isStorableText(value) ? null : { kind: 'unstorable', path: describePath(path) };
  if (typeof value === 'number') return isExactNumber(value) ? null : { kind: 'number_out_of_range', path: describePath(path) };
  if (value === null || typeof value !== 'object') return null;
  if (depth > maxDepth) return { kind: 'too_deep' };
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    const childPath = path ? `${path}.${key}` : key;
    if (!Array.isArray(value)) {
      if (!isStorableText(key)) return { kind: 'unstorable', path: describePath(path) };
      if (isForbiddenKey(key, item)) return { kind: 'forbidden_key', path: describePath(path), key };
    }
    const problem = jsonValueProblem(item, maxDepth, childPath, depth + 1);
    if (problem) return problem;
  }
  return null;
}
