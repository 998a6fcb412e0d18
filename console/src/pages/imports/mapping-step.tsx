import { useId, useMemo, useState } from 'react';
import { useSetMapping } from '../../api/migration.ts';
import type { ColumnMapping, ImportJob } from '../../api/types.ts';
import { ErrorMessage } from '../../components/feedback.tsx';
import { importColumns } from '../../shared/columns.ts';
import './migration.css';
import { type Combine, CombinesEditor, ValueMapEditor } from './transforms-editor.tsx';

/** The mapping step (docs/vendor-migration.md#mapping-api): each source header, a few of its values, and the field it fills. */

const LEAVE_OUT = '__none';
const METADATA = '__metadata';

const howLabels: Record<ColumnMapping['how'], string> = {
  exact: 'matched by name',
  synonym: 'matched by a synonym',
  saved: 'remembered',
  manual: 'chosen',
  none: 'not imported',
};

const metadataKeyOf = (source: string) =>
  source
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase() || 'value';

interface ValueMapping {
  values: Record<string, string>;
  onValues: (values: Record<string, string>) => void;
}

function MappingRow({ column, value, onChange, valueMap }: { column: ColumnMapping; value: string | null; onChange: (field: string | null) => void; valueMap: ValueMapping }) {
  const selectId = useId();
  const keyId = useId();
  const choice = value === null ? LEAVE_OUT : value.startsWith('metadata.') ? METADATA : value;
  return (
    <tr>
      <th scope="row">
        <label htmlFor={selectId}>{column.source || <span className="muted">(no name)</span>}</label>
        <div className="muted mapping-how">{howLabels[column.how]}</div>
      </th>
      <td className="mapping-samples">
        {column.samples?.length ? column.samples.map((sample) => <code key={sample}>{sample}</code>) : <span className="muted">no values</span>}
      </td>
      <td>
        <select
          id={selectId}
          value={choice}
          onChange={(event) => {
            const next = event.target.value;
            onChange(next === LEAVE_OUT ? null : next === METADATA ? `metadata.${metadataKeyOf(column.source)}` : next);
          }}
        >
          <option value={LEAVE_OUT}>Leave out</option>
          {importColumns.map((field) => (
            <option key={field} value={field}>
              {field}
            </option>
          ))}
          <option value={METADATA}>Keep in metadata…</option>
        </select>
        {choice === METADATA && (
          <label className="mapping-key" htmlFor={keyId}>
            <span className="muted">metadata.</span>
            <input id={keyId} aria-label={`Metadata key for ${column.source}`} value={value!.slice('metadata.'.length)} onChange={(event) => onChange(`metadata.${event.target.value}`)} />
          </label>
        )}
        {value !== null && <ValueMapEditor column={column} values={valueMap.values} onChange={valueMap.onValues} />}
      </td>
    </tr>
  );
}

export function MappingStep({ job, appId }: { job: ImportJob; appId: string }) {
  const columns = useMemo(() => job.columns ?? [], [job.columns]);
  const [draft, setDraft] = useState<Record<string, string | null>>(() => Object.fromEntries(columns.map((column) => [column.source, column.field])));
  const [values, setValues] = useState<Record<string, Record<string, string>>>(() => Object.fromEntries(columns.flatMap((column) => (column.values ? [[column.source, column.values]] : []))));
  const savedCombines = useMemo(
    () => columns.flatMap((column): Combine[] => (column.combine && column.field ? [{ sources: column.combine.sources, field: column.field, separator: column.combine.separator }] : [])),
    [columns],
  );
  const [combines, setCombines] = useState<Combine[]>(savedCombines);
  const save = useSetMapping(appId, job.id);
  const chosen = Object.values(draft).filter((field): field is string => field !== null);
  const duplicates = [...new Set(chosen.filter((field, index) => chosen.indexOf(field) !== index))];
  const hasVendorData = chosen.includes('vendor_data');
  const changed = Object.fromEntries(Object.entries(draft).filter(([source, field]) => columns.find((column) => column.source === source)?.field !== field));
  // A column whose value mapping differs from the one in force ({} drops it).
  const changedValues = Object.fromEntries(
    columns.flatMap((column) => (JSON.stringify(values[column.source] ?? {}) === JSON.stringify(column.values ?? {}) ? [] : [[column.source, values[column.source] ?? {}]])),
  );
  const combinesChanged = JSON.stringify(combines) !== JSON.stringify(savedCombines);
  const nothingChanged = Object.keys(changed).length === 0 && Object.keys(changedValues).length === 0 && !combinesChanged;
  const waiting = job.status === 'needs_mapping';

  return (
    <section className="card" aria-labelledby="mapping-title">
      <h2 id="mapping-title">{waiting ? 'Map the columns' : 'Columns'}</h2>
      {waiting ? (
        <p>
          No column of this file is recognised as <code>vendor_data</code>, the key of every user. Choose which column holds it, and where the others go.
          Nothing is imported until you have seen the preview.
        </p>
      ) : (
        <p className="muted">Each column of the file and the field it fills. Change one and the file is checked again; {'this application remembers the choice for the next file with the same columns.'}</p>
      )}
      <div className="table-wrap">
        <table className="data-table mapping-table">
          <caption className="visually-hidden">Column mapping</caption>
          <thead>
            <tr>
              <th scope="col">Column in the file</th>
              <th scope="col">Sample values</th>
              <th scope="col">Imported as</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((column) => (
              <MappingRow
                key={column.source}
                column={column}
                value={draft[column.source] ?? null}
                onChange={(field) => setDraft({ ...draft, [column.source]: field })}
                valueMap={{ values: values[column.source] ?? {}, onValues: (next) => setValues({ ...values, [column.source]: next }) }}
              />
            ))}
          </tbody>
        </table>
      </div>
      <CombinesEditor columns={columns} combines={combines} onChange={setCombines} />
      {!hasVendorData && <p className="notice notice-warn">Choose the column that holds vendor_data.</p>}
      {duplicates.length > 0 && <p className="notice notice-error">{duplicates.join(', ')}: a field takes one column only.</p>}
      <ErrorMessage error={save.error} title="The mapping was not saved." />
      <div className="actions">
        <button
          type="button"
          className="button-primary"
          disabled={save.isPending || !hasVendorData || duplicates.length > 0 || nothingChanged}
          onClick={() =>
            save.mutate({ mapping: changed, ...(Object.keys(changedValues).length > 0 ? { values: changedValues } : {}), ...(combinesChanged ? { combines } : {}) })
          }
        >
          {save.isPending ? 'Saving…' : waiting ? 'Save mapping and check the file' : 'Save mapping and check again'}
        </button>
      </div>
    </section>
  );
}
