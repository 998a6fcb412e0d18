import { parseArgs } from 'node:util';
import { type Config, ConfigError, parseConfig } from './config/config.ts';
import { closeContext, createContext, openDatabase, type AppContext } from './context.ts';
import { migrateToLatest } from './db/database.ts';
import type { Role } from './db/schema.ts';
import { createApiKey, createApplication, createConsoleToken, createOperator, createOrganization, generatePassword } from './features/auth/tenancy.service.ts';
import { AppError } from './http/errors.ts';

const usage = `Usage: roster <command> [options]   (every command takes --json)
  start                                  migrate, then serve HTTP and run the job worker
  serve                                  serve HTTP only
  worker                                 run background jobs only
  migrate                                bring the database schema up to date
  org create NAME                        create an organization
  app create --org ORG NAME              create an application
  apikey create --app APP [--name N]     create an API key (shown once)
  operator create --org ORG --email EMAIL --role ROLE [--password PW] [--name N]
  token create --email EMAIL [--name N]  create a console API token (shown once)`;

const { values: flags, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    org: { type: 'string' },
    app: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    password: { type: 'string' },
    name: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: false,
});

function fail(message: string): never {
  console.error(flags.json ? JSON.stringify({ error: { message } }) : `roster: ${message}`);
  process.exit(1);
}

function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') fail(`--${flag} is required\n${usage}`);
  return value as string;
}

function print(json: Record<string, unknown>, prose: string): void {
  console.log(flags.json ? JSON.stringify(json) : prose);
}

/** Runs one admin command against the database, starting the embedded server only if no one runs it. */
async function withContext<T>(config: Config, work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const opened = await openDatabase(config);
  const ctx = await createContext(config, opened.handle);
  try {
    return await work(ctx);
  } finally {
    await closeContext(ctx);
    await opened.stopEmbedded();
  }
}

async function main(): Promise<void> {
  const [command, subcommand, ...rest] = positionals;
  if (flags.help || !command) {
    console.log(usage);
    return;
  }
  let config: Config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  if (command === 'start' || command === 'serve' || command === 'worker') {
    // Loaded only to serve: the HTTP app and every feature are most of the start-up, which other commands skip.
    const { runRoster } = await import('./runtime.ts');
    const running = await runRoster(config, { http: command !== 'worker', worker: command !== 'serve', bootstrap: command === 'start' });
    const shutdown = () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
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
      const name = rest.join(' ') || fail(`org create needs a NAME\n${usage}`);
      const org = await withContext(config, (ctx) => createOrganization(ctx.db, name));
      return print({ id: org.id }, `Created organization "${org.name}": ${org.id}`);
    }
    case 'app create': {
      const orgId = required(flags.org, 'org');
      const name = rest.join(' ') || fail(`app create needs a NAME\n${usage}`);
      const app = await withContext(config, (ctx) => createApplication(ctx.db, orgId, name));
      return print({ id: app.id }, `Created application "${app.name}": ${app.id}`);
    }
    case 'apikey create': {
      const appId = required(flags.app, 'app');
      const key = await withContext(config, (ctx) => createApiKey(ctx.db, appId, { name: typeof flags.name === 'string' ? flags.name : '' }));
      return print({ api_key: key.api_key, id: key.id }, `API key (shown once; send it as x-api-key): ${key.api_key}`);
    }
    case 'operator create': {
      const password = typeof flags.password === 'string' ? flags.password : generatePassword();
      const operator = await withContext(config, (ctx) =>
        createOperator(ctx.db, {
          orgId: required(flags.org, 'org'),
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
    default:
      fail(`unknown command "${positionals.join(' ')}"\n${usage}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof AppError) fail(error.message);
  fail(error instanceof Error ? error.message : String(error));
});
