import { AsyncLocalStorage } from 'node:async_hooks';
import os from 'node:os';

/**
 * Log lines of the long-running processes, in the shape Fastify's (pino's) request logs have: one JSON
 * object a line with a numeric `level`, `time`, `pid`, `hostname` and `msg`. A line written while a
 * request or a job runs carries its `reqId`, or its `jobId` and `queue`, from the log context.
 */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the lines written meanwhile are about: `{ reqId }` in a request, `{ jobId, queue }` in a job. */
export const logContext = new AsyncLocalStorage<Record<string, string>>();

const hostname = os.hostname();

export function jsonLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const threshold = LOG_LEVELS[level];
  const at = (name: 'info' | 'warn' | 'error') => (message: string) => {
    if (LOG_LEVELS[name] < threshold) return;
    write(`${JSON.stringify({ level: LOG_LEVELS[name], time: Date.now(), pid: process.pid, hostname, ...logContext.getStore(), msg: message })}\n`);
  };
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
