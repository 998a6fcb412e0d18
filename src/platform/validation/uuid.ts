const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a path, a body or a cursor is checked before it reaches a `uuid` column (a malformed one would be a 500). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
