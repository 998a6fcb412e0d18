// Entry point of the mail platform module (re-exports the implementation).
export { createMailer, DEFAULT_FROM, parseSmtpUrl, type CreateMailerOptions, type MailMessage, type Mailer } from './mail.js';
