/**
 * CPU seconds spent, read from /proc (Linux): on a machine shared with other work, wall time swings
 * by 2× between identical runs, while the CPU each side burns for the same work barely moves. Used by
 * `IMPORT_BENCH_PREVIEW=1 npm run bench:import` to put the preview's CPU beside the baseline COPY's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type pg from 'pg';

const tick = 1000 / 100; // ms per clock tick (USER_HZ is 100 on Linux)

/** utime + stime (+ cutime + cstime: waited-for children, such as the reader process) of one /proc stat file, in ms. */
function statCpuMs(file: string, withChildren = false): number {
  try {
    // The command name (field 2) may hold spaces: count fields after its closing bracket.
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (withChildren ? own + Number(fields[13]) + Number(fields[14]) : own) * tick;
  } catch {
    return 0; // gone meanwhile
  }
}

/** Per thread of this process, and this process's waited-for children, in ms. */
export function processCpu(): { threads: Map<number, number>; children: number } {
  const threads = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) threads.set(Number(tid), statCpuMs(`/proc/self/task/${tid}/stat`));
  const self = statCpuMs('/proc/self/stat', true) - statCpuMs('/proc/self/stat');
  return { threads, children: self };
}

/** CPU ms of the PostgreSQL backends serving connections named `application_name` (same machine only). */
export async function backendCpu(pool: pg.Pool, applicationName: string): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  return new Map(rows.map((row) => [row.pid, statCpuMs(`/proc/${row.pid}/stat`)]));
}

export function backendCpuOfPid(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** Total growth between two readings keyed by id (ids absent before count from zero). */
export function grownMs(before: Map<number, number>, after: Map<number, number>): { total: number; parts: number[] } {
  const parts = [...after].map(([id, ms]) => ms - (before.get(id) ?? 0)).filter((ms) => ms > 0).sort((a, b) => b - a);
  return { total: parts.reduce((sum, ms) => sum + ms, 0), parts };
}

export const onLinux = os.platform() === 'linux';
