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
  import FILE --app APP [--mapping FILE.json] [--default-region FR] [--mode upsert|create_only|update_only]
         [--reason TEXT] [--allow-unblock] [--yes] [--as EMAIL]
                                         preview a users file, ask, then run it with a progress bar
  export --app APP [--filter key=value]… [--columns a,b] --out FILE [--as EMAIL]
                                         export users to a CSV file
  faces import ZIP --app APP [--as EMAIL]
                                         add the face images of a ZIP (VENDOR_DATA.jpg or manifest.csv)`;

export const { values: flags, positionals } = parseArgs({
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
  },
  strict: false,
});

/** One line on stderr (one JSON object with --json), plus the usage text for a mistyped command in prose. */
export function fail(message: string, code = 'error', options: { usage?: boolean } = {}): never {
  const oneLine = message.replace(/\s*\n\s*/g, ' ');
  console.error(flags.json ? JSON.stringify({ error: { code, message: oneLine } }) : `roster: ${oneLine}${options.usage ? `\n${usage}` : ''}`);
  process.exit(1);
}

export function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') fail(`--${flag} is required`, 'missing_argument', { usage: true });
  return value as string;
}

export const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function print(json: Record<string, unknown>, prose: string): void {
  console.log(flags.json ? JSON.stringify(json) : prose);
}

