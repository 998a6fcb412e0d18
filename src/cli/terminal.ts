import { createInterface } from 'node:readline';

/**
 * How a long command talks to people and scripts: with --json, one JSON object a line on stdout
 * (progress objects first, the result last); otherwise prose, and a progress bar on stderr when it
 * is a terminal. Prompts go to stderr so stdout stays the command's output.
 */
export interface Terminal {
  json: boolean;
  /** One progress report; drawn as a bar on a terminal, a JSON line with --json, nothing otherwise. */
  progress(report: { label: string; done: number; total: number; status: string }): void;
  /** Ends the bar (if one is drawn) so the next line starts clean. */
  endProgress(): void;
  /** Prose to stderr (not part of the result), suppressed with --json. */
  note(text: string): void;
  result(json: unknown, prose: string): void;
  confirm(question: string): Promise<boolean>;
}

export function createTerminal(options: { json: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream }): Terminal {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const stdin = options.stdin ?? process.stdin;
  let barDrawn = false;
  let lastJson = '';
  return {
    json: options.json,
    progress(report) {
      if (options.json) {
        const line = JSON.stringify({ progress: { status: report.status, done: report.done, total: report.total } });
        if (line !== lastJson) stdout.write(`${line}\n`);
        lastJson = line;
        return;
      }
      if (!stderr.isTTY) return;
      stderr.write(`\r${progressBar(report.done, report.total, Math.max(10, Math.min(40, (stderr.columns ?? 80) - 50)))} ${report.label}\u001b[K`);
      barDrawn = true;
    },
    endProgress() {
      if (barDrawn) stderr.write('\n');
      barDrawn = false;
    },
    note(text) {
      if (!options.json) stderr.write(`${text}\n`);
    },
    result(json, prose) {
      stdout.write(`${options.json ? JSON.stringify(json) : prose}\n`);
    },
    async confirm(question) {
      stderr.write(`${question} [y/N] `);
      const answer = await readLine(stdin);
      if (!stdin.isTTY) stderr.write(`${answer ?? ''}\n`);
      return /^(y|yes)$/i.test((answer ?? '').trim());
    },
  };
}

/** `[########------------]  40%  4,000/10,000` */
export function progressBar(done: number, total: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
}

/** One line from stdin (null at end of input: a closed stdin answers "no"). */
function readLine(stdin: NodeJS.ReadStream): Promise<string | null> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stdin, terminal: false });
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    lines.once('close', () => {
      if (!answered) resolve(null);
    });
  });
}

/** Polls `read` until `done` says so, with a deadline-free loop the caller ends; returns the last value. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, onValue: (value: T) => void, intervalMs = 200): Promise<T> {
  for (;;) {
    const value = await read();
    onValue(value);
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
