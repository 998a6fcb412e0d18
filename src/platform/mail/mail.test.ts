import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, parseSmtpUrl, type Mailer, type MailMessage } from './mail.js';

const message: MailMessage = {
  to: 'ops@example.test',
  subject: 'Your export is ready — 1 200 users',
  text: 'Download it here: http://127.0.0.1:3000/files/exports/x.csv?sig=abc',
  html: '<p>Download it <a href="http://127.0.0.1:3000/files/exports/x.csv?sig=abc">here</a>.</p>',
};

function addressText(address: AddressObject | AddressObject[] | undefined): string | undefined {
  return Array.isArray(address) ? address.map((a) => a.text).join(', ') : address?.text;
}

function sender(mail: ParsedMail): { name?: string; address?: string } | undefined {
  const { name, address } = mail.from?.value[0] ?? {};
  return { name, address };
}

interface TestSmtpServer {
  port: number;
  received: Array<{ mail: ParsedMail; user?: string }>;
  close(): Promise<void>;
}

/** A plain-text SMTP server: its built-in certificate has expired, so STARTTLS stays off. */
async function startSmtpServer(overrides: Partial<SMTPServerOptions> = {}): Promise<TestSmtpServer> {
  const received: TestSmtpServer['received'] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ mail, user: session.user as string | undefined });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
    ...overrides,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('SMTP mailer', () => {
  let smtp: TestSmtpServer;
  let dataDir: string;
  const mailers: Mailer[] = [];

  const mailerFor = (smtpUrl: string, from?: string): Mailer => {
    const mailer = createMailer({ smtpUrl, dataDir, from });
    mailers.push(mailer);
    return mailer;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'roster-mail-'));
    smtp = await startSmtpServer();
  });

  afterEach(async () => {
    await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
  });

  afterAll(async () => {
    await smtp?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers the message with its recipient, subject, text and HTML', async () => {
    const mailer = mailerFor(`smtp://127.0.0.1:${smtp.port}`);
    expect(mailer.kind).toBe('smtp');
    await mailer.send(message);

    const { mail } = smtp.received.at(-1)!;
    expect(addressText(mail.to)).toBe('ops@example.test');
    expect(sender(mail)).toEqual({ name: 'Roster', address: 'roster@localhost' });
    expect(mail.subject).toBe(message.subject);
    expect(mail.text?.trim()).toBe(message.text);
    expect(mail.html).toContain('href="http://127.0.0.1:3000/files/exports/x.csv?sig=abc"');
  });

  it('logs in with the user and password from the URL and uses the given sender', async () => {
    const mailer = mailerFor(`smtp://roster%40corp:p%40ss@127.0.0.1:${smtp.port}`, 'Exports <exports@corp.test>');
    await mailer.send({ to: 'a@example.test', subject: 'hi', text: 'hello' });
    const last = smtp.received.at(-1)!;
    expect(last.user).toBe('roster@corp');
    expect(sender(last.mail)).toEqual({ name: 'Exports', address: 'exports@corp.test' });
  });

  it('sends many messages at once over the pool', async () => {
    const mailer = mailerFor(`smtp://127.0.0.1:${smtp.port}`);
    const before = smtp.received.length;
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => mailer.send({ to: `user${i}@example.test`, subject: `n${i}`, text: 'x' })),
    );
    const subjects = smtp.received.slice(before).map(({ mail }) => mail.subject);
    expect(subjects.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `n${i}`).sort());
  });

  it('rejects when the server refuses the recipient', async () => {
    const refusing = await startSmtpServer({
      onRcptTo(_address, _session, callback) {
        callback(new Error('550 no such mailbox'));
      },
    });
    try {
      const mailer = mailerFor(`smtp://127.0.0.1:${refusing.port}`);
      await expect(mailer.send(message)).rejects.toThrow();
      expect(refusing.received).toEqual([]);
    } finally {
      await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
      await refusing.close();
    }
  });

  it('rejects when no server listens', async () => {
    const gone = await startSmtpServer();
    await gone.close();
    const mailer = mailerFor(`smtp://127.0.0.1:${gone.port}`);
    await expect(mailer.send(message)).rejects.toThrow();
  });

  it('refuses a message without a recipient', async () => {
    const mailer = mailerFor(`smtp://127.0.0.1:${smtp.port}`);
    await expect(mailer.send({ ...message, to: ' ' })).rejects.toThrow(TypeError);
  });
});

describe('outbox mailer', () => {
  let dataDir: string;
  let mailer: Mailer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'roster-outbox-'));
    mailer = createMailer({ dataDir });
  });

  afterAll(async () => {
    await mailer?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes each message as a timestamped .eml file that parses back to the same message', async () => {
    expect(mailer.kind).toBe('outbox');
    await mailer.send(message);
    await mailer.send({ to: 'second@example.test', subject: 'second', text: 'two' });

    const names = (await readdir(join(dataDir, 'outbox'))).sort();
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}\.eml$/);

    const raw = await readFile(join(dataDir, 'outbox', names[0]!));
    const mail = await simpleParser(raw);
    expect(raw.includes('\r\n')).toBe(true);
    expect(addressText(mail.to)).toBe('ops@example.test');
    expect(sender(mail)).toEqual({ name: 'Roster', address: 'roster@localhost' });
    expect(mail.subject).toBe(message.subject);
    expect(mail.text?.trim()).toBe(message.text);
    expect(mail.html).toContain('<a href="http://127.0.0.1:3000/files/exports/x.csv?sig=abc">here</a>');
    expect(mail.messageId).toBeTruthy();
  });
});

describe('SMTP_URL parsing', () => {
  it('reads host, port, credentials and TLS options', () => {
    expect(parseSmtpUrl('smtp://user:pa%3Ass@mail.example.test:2525?tls_reject_unauthorized=false')).toEqual({
      pool: true,
      host: 'mail.example.test',
      port: 2525,
      secure: false,
      auth: { user: 'user', pass: 'pa:ss' },
      tls: { rejectUnauthorized: false },
    });
  });

  it('uses implicit TLS on 465 for smtps and 587 for smtp by default', () => {
    expect(parseSmtpUrl('smtps://mail.example.test')).toMatchObject({ port: 465, secure: true });
    expect(parseSmtpUrl('smtp://mail.example.test')).toMatchObject({ port: 587, secure: false });
    expect(parseSmtpUrl('smtp://mail.example.test').auth).toBeUndefined();
  });

  it.each([
    'mail.example.test:25',
    'http://mail.example.test',
    'smtp://user:secret@mail.example.test/path',
    'smtp://user:secret@mail.example.test?tls_reject_unauthorized=no',
    'smtp://user:secret@mail.example.test?secure=true',
  ])('rejects %j with one line starting "SMTP_URL: " that does not show the password', (url) => {
    let error: Error | undefined;
    try {
      createMailer({ smtpUrl: url, dataDir: '/tmp' });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(/^SMTP_URL: [^\n]+$/);
    expect(error?.message).not.toContain('secret');
  });
});
