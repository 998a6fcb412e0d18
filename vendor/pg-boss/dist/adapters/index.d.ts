export { fromKnex } from './knex.ts';
export { fromKysely } from './kysely.ts';
export { fromDrizzle } from './drizzle.ts';
export { fromPrisma } from './prisma.ts';
export { fromPglite } from './pglite.ts';
export { fromBunSql } from './bun.ts';
export type { KnexTransactionLike } from './knex.ts';
export type { KyselyTransactionLike } from './kysely.ts';
export type { DrizzleTransactionLike, DrizzleSqlTagLike } from './drizzle.ts';
export type { PrismaTransactionLike } from './prisma.ts';
export type { PGliteLike } from './pglite.ts';
export type { BunSqlLike, BunReservedSqlLike } from './bun.ts';
//# sourceMappingURL=index.d.ts.map