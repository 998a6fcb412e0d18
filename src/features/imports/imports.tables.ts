/** Kysely types of the import tables (filled in with the imports migration). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ImportTables {}
