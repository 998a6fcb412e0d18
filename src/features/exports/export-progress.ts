import type { AppContext } from '../../context.ts';

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Counts the records of a CSV stream as it goes by: a line feed ends a record unless it sits inside a
 * quoted field (a doubled quote toggles twice, so it changes nothing). Uses indexOf, not a byte loop.
 */
export class CsvRecordCounter {
  records = 0;
  private quoted = false;

  feed(chunk: Buffer): void {
    let position = 0;
    while (position < chunk.length) {
      if (this.quoted) {
        const close = chunk.indexOf(QUOTE, position);
        if (close < 0) return;
        this.quoted = false;
        position = close + 1;
        continue;
      }
      const quote = chunk.indexOf(QUOTE, position);
      const newline = chunk.indexOf(NEWLINE, position);
      if (newline >= 0 && (quote < 0 || newline < quote)) {
        this.records += 1;
        position = newline + 1;
      } else if (quote >= 0) {
        this.quoted = true;
        position = quote + 1;
      } else {
        return;
      }
    }
  }
}

/** Saves rows written so far about once a second while an attempt runs; stop() saves nothing more. */
export function trackExportProgress(ctx: AppContext, appId: string, exportId: string, attemptKey: string) {
  const counter = new CsvRecordCounter();
  let saved = -1;
  const timer = setInterval(() => {
    // The header is the first record of the file, not a user.
    const rows = Math.max(0, counter.records - 1);
    if (rows === saved) return;
    saved = rows;
    ctx.db
      .updateTable('exports')
      .set({ rows_written: rows })
      .where('app_id', '=', appId)
      .where('id', '=', exportId)
      .where('attempt_key', '=', attemptKey)
      .where('status', '=', 'running')
      .execute()
      .catch(() => {});
  }, 1000);
  return { onData: (chunk: Buffer) => counter.feed(chunk), stop: () => clearInterval(timer) };
}
