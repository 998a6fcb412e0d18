import type { ImportJob } from '../../api/types.ts';
import { formatNumber } from '../../shared/format.ts';

type Count = [label: string, value: number, tone?: string];

function Stats({ counts, label }: { counts: Count[]; label: string }) {
  return (
    <ul className="stats" aria-label={label}>
      {counts.map(([name, value, tone]) => (
        <li key={name} className={`stat${tone ? ` stat-${tone}` : ''}`}>
          <span className="stat-value">{formatNumber(value)}</span>
          <span className="stat-label">{name}</span>
        </li>
      ))}
    </ul>
  );
}

/** What the check found: a forecast, counted again when the import runs. */
export function PreviewCounts({ job }: { job: ImportJob }) {
  return (
    <Stats
      label="Preview counts"
      counts={[
        ['Rows', job.total_rows],
        ['Valid', job.valid_rows, 'good'],
        ['Invalid', job.invalid_rows, job.invalid_rows ? 'bad' : undefined],
        ['To create', job.to_create],
        ['To update', job.to_update],
        ['Unchanged', job.unchanged],
      ]}
    />
  );
}

/** What the run did (so far, while it runs). */
export function ResultCounts({ job }: { job: ImportJob }) {
  const counts: Count[] = [
    ['Created', job.created, 'good'],
    ['Updated', job.updated, 'good'],
    ['Unchanged', job.unchanged],
    ['Skipped', job.skipped, job.skipped ? 'warn' : undefined],
  ];
  if (job.failed) counts.push(['Failed', job.failed, 'bad']);
  return <Stats label="Result counts" counts={counts} />;
}
