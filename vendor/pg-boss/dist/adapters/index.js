export { fromKnex } from "./knex.js";
export { fromKysely } from "./kysely.js";
export { fromDrizzle } from "./drizzle.js";
export { fromPrisma } from "./prisma.js";
export { fromPglite } from "./pglite.js";
export { fromBunSql } from "./bun.js";
