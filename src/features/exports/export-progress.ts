import type { AppContext } from '../../context.ts';

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Counts the records of a CSV stream as it goes by: a line feed ends a record unless it sits inside a
 * quoted field (a doubled quote toggles twice, so it changes nothing). Uses indexOf, not a byte loop,
 * and looks for the next quote once per quoted field, not once per line: an export without quoted
 * cells would otherwise scan the rest of every chunk at every line.
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
      const end = quote < 0 ? chunk.length : quote;
      for (let newline = chunk.indexOf(NEWLINE, position); newline >= 0 && newline < end; newline = chunk.indexOf(NEWLINE, newline + 1)) this.records += 1;
      if (quote < 0) return;
      this.quoted = true;
      position = quote + 1;
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
