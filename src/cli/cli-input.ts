/** The command line as given, and how a command answers: loaded before anything heavy, so `--help` is instant. */
import { parseArgs } from 'node:util';

export const usage = `Usage: roster <command> [options]   (every command takes --json)
  start [--owner-email EMAIL]            migrate, then serve HTTP and run the job worker (the first start creates
                                         an organization whose OWNER has EMAIL, default owner@example.com)
  serve                                  serve HTTP only
  worker                                 run background jobs only
  migrate                                bring the database schema up to date
  org create NAME                        create an organization
  app create --org ORG NAME              create an application
  apikey create --app APP [--name N]     create an API key (shown once)
  operator create --org ORG --email EMAIL --role ROLE [--password PW] [--name N]
  token create --email EMAIL [--name N]  create a console API token (shown once)
  apikey list --app APP                  list an application's API keys
  apikey revoke KEY_ID --app APP         revoke an API key (fails at once)
  operator list --org ORG                list an organization's operators
  import FILE --app APP [--preset auth0|firebase|sumsub] [--mapping FILE.json] [--map "Header=field"]…
         [--value "Header:from=to"]… [--combine "Header A+Header B=field"]… [--combine-separator " "]
         [--default-region FR] [--mode upsert|create_only|update_only] [--accept-fixes CODE,…|all]
         [--invalid-cells clear|skip] [--tags-mode replace|merge|remove] [--metadata-mode merge|replace]
         [--reason TEXT] [--allow-unblock] [--yes] [--as EMAIL]
                                         preview a users file (with the fixes on offer), ask, then run it with a
                                         progress bar; "no" discards the import (docs/imports.md)
  export --app APP [--filter key=value]… [--columns a,b] --out FILE [--as EMAIL]
                                         export users to a CSV file
  faces import ZIP --app APP [--as EMAIL]
                                         add the face images of a ZIP (VENDOR_DATA.jpg or manifest.csv)`;

const cliOptions = {
  options: {
    json: { type: 'boolean', default: false },
    org: { type: 'string' },
    app: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    password: { type: 'string' },
    name: { type: 'string' },
    'owner-email': { type: 'string' },
    as: { type: 'string' },
    mapping: { type: 'string' },
    'default-region': { type: 'string' },
    mode: { type: 'string' },
    reason: { type: 'string' },
    'allow-unblock': { type: 'boolean', default: false },
    yes: { type: 'boolean', short: 'y', default: false },
    filter: { type: 'string', multiple: true },
    columns: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    preset: { type: 'string' },
    map: { type: 'string', multiple: true },
    value: { type: 'string', multiple: true },
    combine: { type: 'string', multiple: true },
    'combine-separator': { type: 'string' },
    'accept-fixes': { type: 'string' },
    'invalid-cells': { type: 'string' },
    'tags-mode': { type: 'string' },
    'metadata-mode': { type: 'string' },
  },
} as const;

// Not strict here (a wrong flag must answer in the command's own words and --json shape): unknownFlags() names them.
export const { values: flags, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: cliOptions.options, strict: false });

/** The flags given that no command takes (`--bogus-flag`), or that `command` does not take. */
export function unknownFlags(allowed?: readonly string[]): string[] {
  const known = new Set<string>(allowed ?? Object.keys(cliOptions.options));
  known.add('json');
  known.add('help');
  return Object.keys(flags).filter((name) => !known.has(name));
}

/**
 * A command's failure whose code is not an HTTP answer (a failed import's own code: unreadable_file,
 * job_crashed…); reported by runCommand as AppError is, after the context is closed.
 */
export class CommandFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One line on stderr (one JSON object with --json), plus the usage text for a mistyped command in prose. */
export function fail(message: string, code = 'error', options: { usage?: boolean } = {}): never {
  const oneLine = message.replace(/\s*\n\s*/g, ' ');
  console.error(flags.json ? JSON.stringify({ error: { code, message: oneLine } }) : `roster: ${oneLine}${options.usage ? `\n${usage}` : ''}`);
  process.exit(1);
}

/** Fails naming the first flag given that the command does not take. */
export function rejectUnknownFlags(command: string, allowed?: readonly string[]): void {
  const unknown = unknownFlags(allowed);
  if (unknown.length > 0) fail(`unknown flag --${unknown[0]}${unknown.length > 1 ? ` (and ${unknown.slice(1).map((name) => `--${name}`).join(', ')})` : ''} for "roster ${command}"`, 'unknown_flag', { usage: true });
}

export function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') fail(`--${flag} is required`, 'missing_argument', { usage: true });
  return value as string;
}

export const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
/** A repeatable flag's values (`--map A=b --map C=d`). */
export const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

export function print(json: Record<string, unknown>, prose: string): void {
  console.log(flags.json ? JSON.stringify(json) : prose);
}

