import { useAcceptFixes } from '../../api/migration.ts';
import { useImportRows } from '../../api/imports.ts';
import type { CellFix, ImportJob } from '../../api/types.ts';
import { ErrorMessage } from '../../components/feedback.tsx';
import { formatNumber } from '../../shared/format.ts';
import { Card } from '../../components/layout.tsx';

/** Suggested fixes (docs/vendor-migration.md#suggested-fixes-api): shown as original → fixed, accepted a kind at a time, never applied silently. */

const fixKinds: Record<string, { noun: string; what: string }> = {
  country_alpha2: { noun: 'country', what: 'Two-letter country codes made three-letter (ISO 3166-1 alpha-3)' },
  country_name: { noun: 'country name', what: 'Country names (and aliases such as UK, UAE) made alpha-3 codes' },
  phone_national: { noun: 'phone', what: "National and 00-prefixed numbers made E.164 with the row's country or the default region" },
  status_synonym: { noun: 'status', what: 'Status words (enabled, suspended, …) made ACTIVE, FLAGGED or BLOCKED' },
};

export function FixesPanel({ job, appId }: { job: ImportJob; appId: string }) {
  const counts = Object.entries(job.fix_counts ?? {}).filter(([, rows]) => rows > 0);
  const accept = useAcceptFixes(appId, job.id);
  // Examples come from the first invalid rows.
  const sample = useImportRows(appId, job.id, 'invalid', 0, 200, counts.length > 0);
  if (counts.length === 0) return null;
  const examples = (code: string): CellFix[] => {
    const found: CellFix[] = [];
    for (const row of sample.data?.rows ?? []) for (const fix of row.fixes ?? []) if (fix.code === code && found.length < 3 && !found.some((seen) => seen.from === fix.from)) found.push(fix);
    return found;
  };
  return (
    <Card id="fixes" title="Suggested fixes">
      <p>These rows are invalid as they are. Each fix below is only a suggestion: nothing is changed until you apply it.</p>
      <ul className="fix-list">
        {counts.map(([code, rows]) => {
          const kind = fixKinds[code] ?? { noun: code, what: code };
          return (
            <li key={code} className="fix-kind">
              <div>
                <strong>{kind.what}</strong>
                <div className="fix-examples">
                  {examples(code).map((fix) => (
                    <span key={fix.from} className="fix-example">
                      <code>{fix.from}</code> → <code>{fix.to}</code>
                    </span>
                  ))}
                </div>
              </div>
              <button type="button" className="button-secondary" disabled={accept.isPending} onClick={() => accept.mutate([code])}>
                Apply {formatNumber(rows)} {kind.noun} {rows === 1 ? 'fix' : 'fixes'}
              </button>
            </li>
          );
        })}
      </ul>
      <ErrorMessage error={accept.error} title="The fixes were not applied." />
      {counts.length > 1 && (
        <div className="actions">
          <button type="button" className="button-primary" disabled={accept.isPending} onClick={() => accept.mutate(counts.map(([code]) => code))}>
            Apply all suggested fixes
          </button>
        </div>
      )}
    </Card>
  );
}
