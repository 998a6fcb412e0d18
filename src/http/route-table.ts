import type { FastifyInstance, FastifySchema } from 'fastify';

/** One registered route as Fastify saw it: its method, its path (`:param` style) and its schemas. */
export interface RouteEntry {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * Keeps every route the app registers, hidden ones included, so tests can walk all of them (the
 * hostile-text test sends NUL and lone surrogates to every string a route takes: a new route is covered
 * the day it is added). Call before any route is registered.
 */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.push({ method, url: route.url, schema: route.schema });
  });
}

export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  return tables.get(app) ?? [];
}
