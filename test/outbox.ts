import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';

/** The mails the outbox (the default mailer) holds for `address`, oldest first; polls until `count` arrived. */
export async function mailsTo(dataDir: string, address: string, count = 1, timeoutMs = 5_000): Promise<ParsedMail[]> {
  const outbox = path.join(dataDir, 'outbox');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = (await readdir(outbox).catch(() => [] as string[])).filter((name) => name.endsWith('.eml')).sort();
    const mails = await Promise.all(names.map(async (name) => simpleParser(await readFile(path.join(outbox, name)))));
    const matching = mails.filter((mail) => JSON.stringify(mail.to ?? '').toLowerCase().includes(address.toLowerCase()));
    if (matching.length >= count || Date.now() > deadline) return matching;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The invitation token in a mail's link (`…/invitation#token=…`). */
export function invitationTokenIn(mail: ParsedMail): string | undefined {
  return /\/invitation#token=([A-Za-z0-9_-]+)/.exec(mail.text ?? '')?.[1];
}
