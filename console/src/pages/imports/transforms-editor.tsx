import { useId, useState } from 'react';
import type { ColumnMapping } from '../../api/types.ts';
import { importColumns } from '../../shared/columns.ts';

/**
 * Value mappings and combines in the mapping step (docs/vendor-migration.md#value-mapping-and-combines):
 * a column's values turned into Roster's ("pending" → FLAGGED), and columns joined into one field
 * ("First name" + "Last name" → full_name). Saved with the mapping and remembered like it.
 */

export interface Combine {
  sources: string[];
  field: string;
  separator: string;
}

/** Per sample value of a column (and any value already mapped), what it becomes; empty: left as it is. */
export function ValueMapEditor({ column, values, onChange }: { column: ColumnMapping; values: Record<string, string>; onChange: (values: Record<string, string>) => void }) {
  const known = [...new Set([...Object.keys(values), ...(column.samples ?? [])])];
  const mapped = Object.keys(values).length;
  if (known.length === 0) return null;
  return (
    <details className="value-map">
      <summary>Map values{mapped > 0 ? ` (${mapped})` : ''}…</summary>
      {known.map((value) => (
        <label key={value} className="value-map-row">
          <code>{value}</code> becomes{' '}
          <input
            aria-label={`${column.source}: ${value} becomes`}
            value={values[value] ?? ''}
            placeholder="(as it is)"
            onChange={(event) => {
              const next = { ...values };
              if (event.target.value === '') delete next[value];
              else next[value] = event.target.value;
              onChange(next);
            }}
          />
        </label>
      ))}
    </details>
  );
}

/** The combines of the file's columns, and a form to add one. */
export function CombinesEditor({ columns, combines, onChange }: { columns: ColumnMapping[]; combines: Combine[]; onChange: (combines: Combine[]) => void }) {
  const firstId = useId();
  const secondId = useId();
  const fieldId = useId();
  const separatorId = useId();
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [field, setField] = useState('full_name');
  const [separator, setSeparator] = useState(' ');
  const used = new Set(combines.flatMap((combine) => combine.sources));
  const free = columns.filter((column) => !used.has(column.source));
  return (
    <section className="combines" aria-labelledby={`${firstId}-title`}>
      <h3 id={`${firstId}-title`}>Combine columns</h3>
      {combines.length > 0 && (
        <ul>
          {combines.map((combine, index) => (
            <li key={combine.sources.join('+')}>
              {combine.sources.join(' + ')} → <code>{combine.field}</code> (joined with “{combine.separator}”){' '}
              <button type="button" className="button-link" onClick={() => onChange(combines.filter((_, other) => other !== index))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="combine-form">
        <label htmlFor={firstId}>Column</label>
        <select id={firstId} value={first} onChange={(event) => setFirst(event.target.value)}>
          <option value="">Choose…</option>
          {free.map((column) => (
            <option key={column.source}>{column.source}</option>
          ))}
        </select>
        <label htmlFor={secondId}>plus</label>
        <select id={secondId} value={second} onChange={(event) => setSecond(event.target.value)}>
          <option value="">Choose…</option>
          {free
            .filter((column) => column.source !== first)
            .map((column) => (
              <option key={column.source}>{column.source}</option>
            ))}
        </select>
        <label htmlFor={fieldId}>into</label>
        <select id={fieldId} value={field} onChange={(event) => setField(event.target.value)}>
          {importColumns.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <label htmlFor={separatorId}>joined with</label>
        <input id={separatorId} className="combine-separator" value={separator} maxLength={10} onChange={(event) => setSeparator(event.target.value)} />
        <button
          type="button"
          className="button-secondary"
          disabled={first === '' || second === '' || first === second}
          onClick={() => {
            onChange([...combines, { sources: [first, second], field, separator }]);
            setFirst('');
            setSecond('');
          }}
        >
          Add combine
        </button>
      </div>
    </section>
  );
}
