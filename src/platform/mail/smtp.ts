import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { assertSendable, type MailMessage, type Mailer } from './mailer.js';

const KNOWN_PARAMS = new Set(['tls_reject_unauthorized']);

// Never echo the URL itself: it usually carries a password.
function urlError(message: string): Error {
  return new Error(`SMTP_URL: ${message}`);
}

/** Parses `smtp://user:pass@host:port` or `smtps://…`, plus `?tls_reject_unauthorized=false`. */
export function parseSmtpUrl(smtpUrl: string): SMTPPool.Options {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw urlError('not a URL (expected smtp://user:pass@host:port)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw urlError(`unsupported scheme "${url.protocol}" (expected smtp:// or smtps://)`);
  }
  if (!url.hostname) throw urlError('no host');
  if (url.pathname !== '' && url.pathname !== '/') throw urlError('unexpected path after host:port');
  for (const name of url.searchParams.keys()) {
    if (!KNOWN_PARAMS.has(name)) throw urlError(`unknown parameter "${name}" (known: ${[...KNOWN_PARAMS].join(', ')})`);
  }
  const secure = url.protocol === 'smtps:';
  const options: SMTPPool.Options = {
    pool: true,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    // Submission ports: implicit TLS for smtps, STARTTLS-when-offered for smtp.
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
  };
  if (url.username) {
    try {
      options.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
    } catch {
      throw urlError('the user or password is not valid percent-encoding');
    }
  }
  const rejectUnauthorized = url.searchParams.get('tls_reject_unauthorized');
  if (rejectUnauthorized !== null) {
    if (!/^(true|false)$/.test(rejectUnauthorized)) {
      throw urlError(`tls_reject_unauthorized must be true or false, got "${rejectUnauthorized}"`);
    }
    options.tls = { rejectUnauthorized: rejectUnauthorized === 'true' };
  }
  return options;
}

export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  /** nodemailer loads with the first message: commands and servers that send none never load it. */
  private transport: Promise<Transporter<SMTPPool.SentMessageInfo>> | undefined;

  constructor(
    private readonly options: SMTPPool.Options,
    private readonly from: string,
  ) {}

  async send(msg: MailMessage): Promise<void> {
    assertSendable(msg);
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(this.options));
    // nodemailer rejects when every recipient is refused; a partial refusal cannot happen with one `to`.
    await (await this.transport).sendMail({ from: this.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html });
  }

  async close(): Promise<void> {
    (await this.transport)?.close();
  }
}
