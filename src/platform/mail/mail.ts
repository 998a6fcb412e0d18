import { DEFAULT_FROM, type Mailer } from './mailer.js';
import { OutboxMailer } from './outbox.js';
import { parseSmtpUrl, SmtpMailer } from './smtp.js';

export { DEFAULT_FROM, type MailMessage, type Mailer } from './mailer.js';
export { parseSmtpUrl } from './smtp.js';

export interface CreateMailerOptions {
  /** SMTP_URL; unset means `.eml` files in `${dataDir}/outbox/`. */
  smtpUrl?: string;
  dataDir: string;
  from?: string;
}

/** Throws an Error starting `SMTP_URL: ` for a malformed URL, so start-up can print it as one line. */
export function createMailer(opts: CreateMailerOptions): Mailer {
  const from = opts.from ?? DEFAULT_FROM;
  if (opts.smtpUrl) return new SmtpMailer(parseSmtpUrl(opts.smtpUrl), from);
  return new OutboxMailer(opts.dataDir, from);
}
