/**
 * Where a preview's time goes, phase by phase (bench/RESULTS.md's preview profile reads this from
 * the log). Phases that overlap (the job's thread waits on a validation thread while the reader
 * process parses ahead) are counted where the job's thread waited, so the phases add up to the whole.
 */
export class PreviewPhases {
  private readonly spent = new Map<string, number>();
  private readonly started = performance.now();

  /** Adds the time `work` takes to `phase`. */
  async time<T>(phase: string, work: Promise<T>): Promise<T> {
    const from = performance.now();
    try {
      return await work;
    } finally {
      this.add(phase, performance.now() - from);
    }
  }

  add(phase: string, ms: number): void {
    this.spent.set(phase, (this.spent.get(phase) ?? 0) + ms);
  }

  /** "phase 12 ms, …, other 3 ms (total 40 ms)": other is what no phase claimed. */
  summary(): string {
    const total = performance.now() - this.started;
    let claimed = 0;
    const parts: string[] = [];
    for (const [phase, ms] of this.spent) {
      claimed += ms;
      parts.push(`${phase} ${Math.round(ms)} ms`);
    }
    parts.push(`other ${Math.round(total - claimed)} ms`);
    return `${parts.join(', ')} (total ${Math.round(total)} ms)`;
  }
}
