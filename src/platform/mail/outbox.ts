import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Transporter } from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport/index.js';
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from '../private-files.js';
import { assertSendable, type MailMessage, type Mailer } from './mailer.js';

/**
 * Writes each message as a complete MIME `.eml` file, so a fresh install can "send" mail
 * that a person can open in any mail client.
 */
export class OutboxMailer implements Mailer {
  readonly kind = 'outbox' as const;
  readonly dir: string;
  /** nodemailer loads with the first message: commands and servers that send none never load it. */
  private transport: Promise<Transporter<StreamTransport.SentMessageInfo>> | undefined;
  private readonly tightened = new Set<string>();

  constructor(
    dataDir: string,
    private readonly from: string,
  ) {
    this.dir = resolve(dataDir, 'outbox');
  }

  async send(msg: MailMessage): Promise<void> {
    assertSendable(msg);
    // RFC 5322 lines end in CRLF; mail clients opening the file expect that.
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }));
    const info = await (await this.transport).sendMail({ from: this.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html });
    const raw = info.message;
    if (!Buffer.isBuffer(raw)) throw new Error('nodemailer stream transport did not return a buffer');

    await ensurePrivateFolder(this.dir, this.dir, this.tightened);
    // ISO 8601 basic format: sorts by time and has no colons, which some file systems refuse.
    const stamp = new Date().toISOString().replace(/[-:]/g, '');
    const name = `${stamp}-${randomBytes(4).toString('hex')}.eml`;
    // A dot-prefixed temp name: whoever watches the outbox for *.eml never sees half a message.
    const tempPath = join(this.dir, `.${name}.tmp`);
    try {
      await writeFile(tempPath, raw, { flag: 'wx', flush: true, mode: PRIVATE_FILE_MODE });
      await rename(tempPath, join(this.dir, name));
    } catch (err) {
      await rm(tempPath, { force: true });
      throw err;
    }
  }

  async close(): Promise<void> {
    (await this.transport)?.close();
  }
}
