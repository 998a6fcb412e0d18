/** Small helpers the benchmarks share. */
import pg from 'pg';

/** `--name N` from the command line, a positive whole number, or `fallback`. */
export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

/** Drops a bench's schema and its job queue's schema (`<schema>_jobs`) on a fresh connection. */
export async function dropBenchSchemas(databaseUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE; DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(`${schema}_jobs`)} CASCADE`).catch(() => {});
  await admin.end();
}

/** Runs a bench's main and exits (open handles such as pools would otherwise keep the process alive). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
