import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics (GET /metrics). One registry per process: every serve and worker
 * process is scraped on its own, so counters need no sharing.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const jobDuration = new Histogram({
  name: 'roster_job_duration_seconds',
  help: 'Background jobs by kind (queue name) and outcome (completed, failed, interrupted)',
  labelNames: ['kind', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
  registers: [metricsRegistry],
});

export const rowsProcessed = new Counter({
  name: 'roster_rows_processed_total',
  help: 'Rows handled by background work: import_validation (staged), import (applied), export (written)',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/** Reads the queues' depth at scrape time; the job queue of the process registers itself here. */
let queueDepthSource: (() => Promise<{ queue: string; depth: number }[]>) | undefined;

export function setQueueDepthSource(source: typeof queueDepthSource): void {
  queueDepthSource = source;
}

new Gauge({
  name: 'roster_queue_depth',
  help: 'Jobs waiting in each queue (queued, not yet started)',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    if (!queueDepthSource) return;
    // A scrape during a database outage still answers, without the gauge.
    const depths = await queueDepthSource().catch(() => []);
    for (const { queue, depth } of depths) this.set({ queue }, depth);
  },
});

export const operationTransitions = new Counter({
  name: 'roster_operation_transitions_total',
  help: 'Long-running work moving between states (docs/operations.md), by kind and the state entered',
  labelNames: ['kind', 'to'] as const,
  registers: [metricsRegistry],
});
