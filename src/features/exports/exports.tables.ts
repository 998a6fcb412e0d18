/** Kysely types of the export tables (filled in with the exports migration). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ExportTables {}
