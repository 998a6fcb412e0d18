import { type Config, ConfigError, parseConfig } from '../config/config.ts';
import { closeContext, createContext, openDatabase, type AppContext } from '../context.ts';
import { migrateToLatest } from '../db/database.ts';
import { isDatabaseUnavailable } from '../db/database-availability.ts';
import type { Role } from '../db/schema.ts';
import { createApiKey, createApplication, createConsoleToken, createOperator, createOrganization, generatePassword } from '../features/auth/tenancy.service.ts';
import { AppError } from '../http/errors.ts';
import { apiKeyList, apiKeyRevoke, operatorList } from './admin-commands.ts';
import { idFlag, loadApplication } from './cli-context.ts';
import { createTerminal } from './terminal.ts';
import { CommandFailure, fail, flags, positionals, print, rejectUnknownFlags, required, text, texts } from './cli-input.ts';
import { jsonLogger, type Logger } from '../platform/logging.ts';

/** Runs one admin command against the database, starting the embedded server only if no one runs it. */
async function withContext<T>(config: Config, work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const opened = await openDatabase(config);
  // The jobs' progress lines are for server logs; a command prints its own (stdout stays its output).
  const ctx = await createContext(config, opened.handle, { log: { info: () => {}, warn: (line) => console.error(line), error: (line) => console.error(line) } });
  try {
    return await work(ctx);
  } finally {
    await closeContext(ctx);
    await opened.stopEmbedded();
  }
}

const importFlags = ['app', 'as', 'mapping', 'map', 'value', 'combine', 'combine-separator', 'preset', 'accept-fixes', 'invalid-cells', 'tags-mode', 'metadata-mode', 'default-region', 'mode', 'reason', 'allow-unblock', 'yes'];

/** Runs the command named on the command line (cli.ts has answered `--help` already). */
async function run(): Promise<void> {
  const [command, subcommand, ...rest] = positionals;
  rejectUnknownFlags(command ?? '');
  let config: Config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 'invalid_config');
    throw error;
  }

  if (command === 'start' || command === 'serve' || command === 'worker') {
    const log = jsonLogger(config.LOG_LEVEL);
    keepRunningThroughDatabaseErrors(log);
    const ownerEmail = flags['owner-email'];
    if (ownerEmail !== undefined && (typeof ownerEmail !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(ownerEmail))) fail('--owner-email needs an email address, e.g. --owner-email you@example.com');
    // Loaded only to serve: the HTTP app and every feature are most of the start-up, which other commands skip.
    const { runRoster } = await import('../runtime.ts');
    const running = await runRoster(config, { http: command !== 'worker', worker: command !== 'serve', bootstrap: command === 'start', ownerEmail: ownerEmail?.trim().toLowerCase() });
    const shutdown = (signal: string) => {
      log.info(`${signal}: no new requests or jobs; finishing the work in hand`);
      // Work in hand commits or rolls back whole, so leaving at the deadline loses nothing.
      setTimeout(() => {
        log.warn('stopped waiting after 10 s; unfinished jobs resume in another worker');
        process.exit(0);
      }, 9_500).unref();
      running.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error(`shutdown: ${(error as Error).message}`);
          process.exit(0);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    return;
  }

  if (command === 'migrate') {
    const opened = await openDatabase(config);
    try {
      const applied = await migrateToLatest(opened.handle);
      print({ applied }, applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date');
    } finally {
      await opened.handle.close();
      await opened.stopEmbedded();
    }
    return;
  }

  const action = `${command} ${subcommand ?? ''}`.trim();
  switch (action) {
    case 'org create': {
      const name = rest.join(' ') || fail('org create needs a NAME', 'missing_argument', { usage: true });
      const org = await withContext(config, (ctx) => createOrganization(ctx.db, name));
      return print({ id: org.id }, `Created organization "${org.name}": ${org.id}`);
    }
    case 'app create': {
      const orgId = idFlag(required(flags.org, 'org'), 'org');
      const name = rest.join(' ') || fail('app create needs a NAME', 'missing_argument', { usage: true });
      const app = await withContext(config, (ctx) => createApplication(ctx.db, orgId, name));
      return print({ id: app.id }, `Created application "${app.name}": ${app.id}`);
    }
    case 'apikey create': {
      const appId = required(flags.app, 'app');
      const key = await withContext(config, async (ctx) => createApiKey(ctx.db, (await loadApplication(ctx, appId)).id, { name: typeof flags.name === 'string' ? flags.name : '' }));
      return print({ api_key: key.api_key, id: key.id }, `API key (shown once; send it as x-api-key): ${key.api_key}`);
    }
    case 'operator create': {
      const password = typeof flags.password === 'string' ? flags.password : generatePassword();
      const operator = await withContext(config, (ctx) =>
        createOperator(ctx.db, {
          orgId: idFlag(required(flags.org, 'org'), 'org'),
          email: required(flags.email, 'email'),
          role: required(flags.role, 'role').toUpperCase() as Role,
          name: typeof flags.name === 'string' ? flags.name : undefined,
          password,
        }),
      );
      const shownPassword = typeof flags.password === 'string' ? {} : { password };
      return print(
        { id: operator.id, ...shownPassword },
        `Created operator ${operator.email} (${operator.role}): ${operator.id}${typeof flags.password === 'string' ? '' : `\nPassword (shown once): ${password}`}`,
      );
    }
    case 'token create': {
      const email = required(flags.email, 'email');
      const token = await withContext(config, (ctx) => createConsoleToken(ctx.db, email, { name: typeof flags.name === 'string' ? flags.name : 'cli' }));
      return print({ token: token.token }, `Console token (shown once; send it as Authorization: Bearer …): ${token.token}`);
    }
    case 'apikey list':
      return withContext(config, (ctx) => apiKeyList(ctx, terminal(), required(flags.app, 'app')));
    case 'apikey revoke':
      return withContext(config, (ctx) => apiKeyRevoke(ctx, terminal(), required(flags.app, 'app'), rest[0]));
    case 'operator list':
      return withContext(config, (ctx) => operatorList(ctx, terminal(), required(flags.org, 'org')));
    case 'faces import': {
      const file = rest[0] ?? fail('faces import needs a ZIP file', 'missing_argument', { usage: true });
      // The bulk commands load their features only when run: other commands start faster without them.
      const { facesImportCommand } = await import('./faces-command.ts');
      process.exitCode = await withContext(config, (ctx) => facesImportCommand(ctx, terminal(), { file, appId: required(flags.app, 'app'), as: text(flags.as) }));
      return;
    }
  }
  if (command === 'import') {
    rejectUnknownFlags('import', importFlags);
    const file = subcommand ?? fail('import needs a FILE', 'missing_argument', { usage: true });
    if (rest.length > 0) fail(`import takes one FILE; also given: ${rest.map((word) => `"${word}"`).join(' ')}`, 'invalid_argument', { usage: true });
    const options = {
      file,
      appId: required(flags.app, 'app'),
      as: text(flags.as),
      mappingFile: text(flags.mapping),
      maps: texts(flags.map),
      values: texts(flags.value),
      combines: texts(flags.combine),
      combineSeparator: text(flags['combine-separator']),
      preset: text(flags.preset),
      acceptFixes: text(flags['accept-fixes']),
      invalidCells: text(flags['invalid-cells']),
      tagsMode: text(flags['tags-mode']),
      metadataMode: text(flags['metadata-mode']),
      defaultRegion: text(flags['default-region']),
      mode: text(flags.mode),
      reason: text(flags.reason),
      allowUnblock: flags['allow-unblock'] === true,
      yes: flags.yes === true,
    };
    const { importCommand } = await import('./import-command.ts');
    process.exitCode = await withContext(config, (ctx) => importCommand(ctx, terminal(), options));
    return;
  }
  if (command === 'export') {
    const filters = Array.isArray(flags.filter) ? flags.filter.filter((value): value is string => typeof value === 'string') : [];
    const options = { appId: required(flags.app, 'app'), as: text(flags.as), filters, columns: text(flags.columns), out: required(flags.out, 'out') };
    const { exportCommand } = await import('./export-command.ts');
    process.exitCode = await withContext(config, (ctx) => exportCommand(ctx, terminal(), options));
    return;
  }
  fail(`unknown command "${positionals.join(' ')}"`, 'unknown_command', { usage: true });
}

/**
 * Last line of defence for long-running processes: an error that only says the database went away (a
 * connection's 'error' event somewhere nobody listened) is logged, not fatal. Anything else still ends
 * the process, since its state is unknown.
 */
function keepRunningThroughDatabaseErrors(log: Logger): void {
  const handle = (kind: string) => (error: unknown) => {
    if (isDatabaseUnavailable(error)) {
      log.warn(`${kind} while the database was away (carrying on): ${(error as Error).message}`);
      return;
    }
    log.error(`${kind}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  };
  process.on('uncaughtException', handle('uncaught exception'));
  process.on('unhandledRejection', handle('unhandled rejection'));
}

const terminal = () => createTerminal({ json: flags.json === true });

export async function runCommand(): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError || error instanceof CommandFailure) fail(error.message, error.code);
    // PostgreSQL's words for a malformed value; the flags above are checked first, so this is a backstop.
    if ((error as { code?: string }).code === '22P02') fail(`a value is not in the form expected: ${(error as Error).message}`, 'invalid_argument');
    if ((error as { code?: string }).code === 'ECONNREFUSED') fail(`cannot reach the database: ${(error as Error).message}`, 'database_unavailable');
    throw error;
  }
}
