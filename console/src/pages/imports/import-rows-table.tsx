import { useId, useState } from 'react';
import { useImportRows } from '../../api/imports.ts';
import type { ImportJob, ImportRow, RowFilter } from '../../api/types.ts';
import { ErrorMessage, Loading } from '../../components/feedback.tsx';
import { importColumns } from '../../shared/columns.ts';
import { fieldOfColumn, formatValue } from '../../shared/changes.ts';
import { formatNumber } from '../../shared/format.ts';
import { CellEditor } from './cell-editor.tsx';
import { KeyChanges, keyChangesOf } from './key-changes.tsx';

const ROWS_PER_PAGE = 50;

const actionLabels: Record<ImportRow['action'], string> = { create: 'Create', update: 'Update', unchanged: 'Unchanged', skip: 'Skip' };

/** The file's columns as written; failing that, template columns first, then any other the rows have. */
function columnsOf(rows: ImportRow[], fileColumns: string[] | undefined): string[] {
  const seen = new Set<string>(fileColumns ?? []);
  for (const row of rows) for (const column of Object.keys(row.values)) seen.add(column);
  if (fileColumns?.length) return [...fileColumns, ...[...seen].filter((column) => !fileColumns.includes(column))];
  const known = importColumns.filter((column) => seen.has(column));
  return [...known, ...[...seen].filter((column) => !(importColumns as readonly string[]).includes(column))];
}

/** Values longer than this are clipped in the grid; the full text is in the cell's tooltip. */
const LONG_VALUE_CHARS = 60;

/** Field → the file's column that fills it: errors name fields, the table shows the file's columns. */
type FieldSources = Record<string, string>;

const columnOfError = (column: string | null, sources: FieldSources | undefined) => (column ? (sources?.[column] ?? column) : null);

/** The field a file column fills (the reverse of FieldSources); the column itself when unmapped. A typed key (`metadata.score:number`) is its key. */
const fieldOfSource = (column: string, sources: FieldSources | undefined) =>
  (Object.entries(sources ?? {}).find(([, source]) => source === column)?.[0] ?? column).replace(/^(metadata\..+):(text|number|boolean|date|json)$/, '$1');

interface Editing {
  appId: string;
  importId: string;
}

function RowCells({ row, columns, withProblems, withKeys, sources, editing }: { row: ImportRow; columns: string[]; withProblems: boolean; withKeys: boolean; sources?: FieldSources; editing?: Editing }) {
  return (
    <tr className={row.errors.length ? 'row-invalid' : undefined}>
      <td className="numeric">{row.row}</td>
      <td className="numeric muted">{row.line}</td>
      <td>
        <span className={`action action-${row.action}`}>{actionLabels[row.action]}</span>
      </td>
      {/* Every reason of the row next to its number, so none sits off-screen to the right of a wide file. */}
      {withProblems && (
        <td className="cell-problems">
          {row.errors.map((error) => (
            <span key={`${error.column}:${error.code}:${error.message}`} className="cell-error">
              {error.column ? <strong>{columnOfError(error.column, sources)}: </strong> : null}
              {error.message}
            </span>
          ))}
        </td>
      )}
      {withKeys && (
        <td className="cell-keys">
          <KeyChanges changes={keyChangesOf(row.changes)} />
        </td>
      )}
      {columns.map((column) => {
        const errors = row.errors.filter((error) => columnOfError(error.column, sources) === column);
        const warnings = (row.warnings ?? []).filter((warning) => columnOfError(warning.column ?? null, sources) === column);
        const fixes = row.fixes?.filter((fix) => fix.column === column) ?? [];
        const change = row.changes?.[fieldOfColumn(column)] ?? row.changes?.[fieldOfColumn(fieldOfSource(column, sources))];
        const value = row.values[column] ?? '';
        const long = value.length > LONG_VALUE_CHARS;
        return (
          <td key={column} className={errors.length ? 'cell-invalid' : change ? 'cell-changed' : warnings.length ? 'cell-warning' : undefined}>
            {editing && errors.length > 0 ? (
              <CellEditor appId={editing.appId} importId={editing.importId} row={row} column={column} value={value} />
            ) : change ? (
              <span className="cell-value cell-diff">
                <del className="cell-old">{formatValue(change.from)}</del> → <ins className="cell-new">{formatValue(change.to)}</ins>
              </span>
            ) : (
              <span className={long ? 'cell-value cell-value-long' : 'cell-value'} title={long ? value : undefined}>
                {value === '' ? <span className="muted">empty</span> : value}
              </span>
            )}
            {long && !change && <span className="visually-hidden"> ({formatNumber(value.length)} characters)</span>}
            {fixes.map((fix) => (
              <span key={fix.code} className="cell-fix">
                Suggested: {fix.from} → {fix.to}
              </span>
            ))}
            {warnings.map((warning) => (
              <span key={warning.code} className="cell-warning-text">
                {warning.message}
              </span>
            ))}
            {/* The reason is read out with its cell; it is shown in the Problems column. */}
            {errors.length > 0 && <span className="visually-hidden">{errors.map((error) => error.message).join('; ')}</span>}
          </td>
        );
      })}
    </tr>
  );
}

interface Props {
  appId: string;
  importId: string;
  /** The preview's counts, for the filters' labels. */
  job: Pick<ImportJob, 'total_rows' | 'invalid_rows' | 'to_create' | 'to_update' | 'unchanged'>;
  fileColumns?: string[];
  /** Field → source column, to place errors under the file's own columns. */
  fieldSources?: FieldSources;
  /** Invalid cells can be corrected in place (a ready import). */
  editable?: boolean;
}

type Filter = RowFilter | 'all';

/** The preview's filters (GET …/rows?only=), each with the count the preview has for it. */
function filtersOf(job: Props['job']): { value: Filter; label: string; count?: number }[] {
  return [
    { value: 'all', label: 'All rows', count: job.total_rows },
    { value: 'invalid', label: 'Invalid', count: job.invalid_rows },
    { value: 'create', label: 'Creates', count: job.to_create },
    { value: 'update', label: 'Updates', count: job.to_update },
    { value: 'unchanged', label: 'Unchanged', count: job.unchanged },
    { value: 'warnings', label: 'With warnings' },
  ];
}

const emptyWords: Record<Filter, string> = {
  all: 'The file has no rows.',
  invalid: 'No invalid rows.',
  create: 'No row creates a user.',
  update: 'No row updates a user.',
  unchanged: 'No row leaves its user unchanged.',
  warnings: 'No row has a warning.',
};

export function ImportRowsTable({ appId, importId, job, fileColumns, fieldSources, editable }: Props) {
  const filterName = useId();
  const [filter, setFilter] = useState<Filter>('all');
  const [offset, setOffset] = useState(0);
  const rows = useImportRows(appId, importId, filter === 'all' ? undefined : filter, offset, ROWS_PER_PAGE, true);
  const page = rows.data?.rows ?? [];
  const total = rows.data?.total ?? 0;
  const columns = columnsOf(page, fileColumns);
  const withProblems = page.some((row) => row.errors.length > 0);
  const withKeys = page.some((row) => keyChangesOf(row.changes).length > 0);

  return (
    <section className="card" aria-labelledby="rows-title">
      <div className="section-head">
        <h2 id="rows-title">Rows</h2>
        <fieldset className="row-filters">
          <legend className="visually-hidden">Show</legend>
          {filtersOf(job).map((option) => (
            <label key={option.value} className="radio">
              <input
                type="radio"
                name={filterName}
                value={option.value}
                checked={filter === option.value}
                disabled={option.count === 0 && filter !== option.value}
                onChange={() => {
                  setFilter(option.value);
                  setOffset(0);
                }}
              />{' '}
              {option.label}
              {option.count === undefined ? '' : ` (${formatNumber(option.count)})`}
            </label>
          ))}
        </fieldset>
      </div>
      <ErrorMessage error={rows.error} />
      {rows.isPending ? (
        <Loading label="Loading rows…" />
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table className="data-table preview-table">
            <caption className="visually-hidden">{filter === 'all' ? 'Rows of the file' : `Rows of the file: ${filtersOf(job).find((option) => option.value === filter)!.label}`}</caption>
            <thead>
              <tr>
                <th scope="col" className="numeric">
                  Row
                </th>
                <th scope="col" className="numeric">
                  Line
                </th>
                <th scope="col">Action</th>
                {withProblems && <th scope="col">Problems</th>}
                {withKeys && <th scope="col">Metadata and tags</th>}
                {columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.map((row) => (
                <RowCells key={row.row} row={row} columns={columns} withProblems={withProblems} withKeys={withKeys} sources={fieldSources} editing={editable ? { appId, importId } : undefined} />
              ))}
            </tbody>
          </table>
          {page.length === 0 && <p className="empty">{emptyWords[filter]}</p>}
        </div>
      )}
      <nav className="pager" aria-label="Row pages">
        <button type="button" className="button-secondary" disabled={offset === 0 || rows.isFetching} onClick={() => setOffset(Math.max(0, offset - ROWS_PER_PAGE))}>
          ← Previous
        </button>
        <span className="pager-label" aria-live="polite">
          {total === 0 ? 'No rows' : `Rows ${formatNumber(offset + 1)}–${formatNumber(Math.min(offset + ROWS_PER_PAGE, total))} of ${formatNumber(total)}`}
          {rows.isFetching ? ' · loading…' : ''}
        </span>
        <button
          type="button"
          className="button-secondary"
          disabled={offset + ROWS_PER_PAGE >= total || rows.isFetching}
          onClick={() => setOffset(offset + ROWS_PER_PAGE)}
        >
          Next →
        </button>
      </nav>
    </section>
  );
}
