import { humanize } from '../shared/columns.ts';

/** Any JSON value as people read it: objects become nested definition lists, arrays comma lists. */
export function DetailsValue({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    if (value.every((item) => typeof item !== 'object' || item === null)) return <>{value.map(String).join(', ')}</>;
    return (
      <ol className="details-array">
        {value.map((item, index) => (
          <li key={index}>
            <DetailsValue value={item} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === 'object') return <DetailsList details={value as Record<string, unknown>} />;
  if (typeof value === 'boolean') return <>{value ? 'yes' : 'no'}</>;
  if (typeof value === 'number') return <>{value.toLocaleString()}</>;
  return <>{String(value)}</>;
}

export function DetailsList({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <span className="muted">No details</span>;
  return (
    <dl className="details-list">
      {entries.map(([key, value]) => (
        <div key={key} className="details-item">
          <dt>{humanize(key)}</dt>
          <dd>
            <DetailsValue value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
