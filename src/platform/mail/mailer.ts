export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  /** Resolves once the message is accepted by the SMTP server or written to the outbox. */
  send(msg: MailMessage): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_FROM = 'Roster <roster@localhost>';

/** Both transports refuse the same obviously broken messages, so the outbox cannot hide a bug SMTP would show. */
export function assertSendable(msg: MailMessage): void {
  if (!msg.to || !msg.to.trim()) throw new TypeError('A mail message needs a recipient');
  if (/[\r\n]/.test(msg.to)) throw new TypeError('A mail recipient must be on one line');
}
