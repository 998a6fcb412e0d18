import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchResult, RowBatch } from './row-batch.ts';
import type { BatchRequest, WorkerDatabase } from './validation.worker.ts';

/**
 * Validation threads. Checking a row costs 10-20 µs, much of it libphonenumber-js, so on a large
 * file the rows are checked off the job's thread: it reads, parses and streams COPY (a light load)
 * while the threads validate, look up users and encode rows. Each thread costs ~30 MB and its heap
 * is capped: left alone, V8 lets garbage pile up to hundreds of MB on a million-row file. Threads
 * start on first use (about half a second) and stop after a minute idle.
 */
const IDLE_MS = 60_000;
// Compiled (dist/), the worker is plain JavaScript; from the sources a CommonJS shim loads it through tsx.
const workerFile = import.meta.url.endsWith('.ts') ? './validation.worker.cjs' : './validation.worker.js';

interface Pending {
  resolve(result: BatchResult): void;
  reject(error: Error): void;
}

class ValidationThread {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();

  constructor(onExit: (thread: ValidationThread) => void) {
    // A bounded heap keeps each thread's memory (and so the process's RSS) flat on huge files.
    this.worker = new Worker(new URL(workerFile, import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 32 } });
    this.worker.unref();
    this.worker.on('message', (message: { id: number; result?: BatchResult; error?: { message: string; code?: string } }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else pending.resolve(message.result!);
    });
    const fail = (error: Error) => {
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
      onExit(this);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`a validation thread stopped (exit code ${code})`)));
  }
}

export class ValidationPool {
  private threads: ValidationThread[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly size: number) {}

  get threadCount(): number {
    return this.size;
  }

  run(database: WorkerDatabase, batch: RowBatch): Promise<BatchResult> {
    this.touch();
    while (this.threads.length < this.size) {
      this.threads.push(new ValidationThread((gone) => (this.threads = this.threads.filter((thread) => thread !== gone))));
    }
    // The least busy thread; ties go to the first.
    const thread = this.threads.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
    const id = this.nextId++;
    return new Promise<BatchResult>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      // Encoded rows are moved, not copied.
      thread.worker.postMessage({ id, database, batch } satisfies BatchRequest, batch.encoded ? [batch.encoded.buffer as ArrayBuffer] : []);
    });
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), IDLE_MS);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }
}

let shared: ValidationPool | undefined;

/**
 * One pool per process, shared by concurrent validations: `threads` of them, or (0) one per core
 * but one, at most three. The job's own thread and PostgreSQL's COPY need a core between them: on
 * 2 cores one validation thread previewed a million rows in 17 s where two took 30 s (and 60 MB more).
 */
export function validationPool(threads: number): ValidationPool {
  shared ??= new ValidationPool(threads > 0 ? threads : Math.max(1, Math.min(3, os.availableParallelism() - 1)));
  return shared;
}
