import { useId, useState } from 'react';
import { useImportRows } from '../../api/imports.ts';
import type { ImportRow } from '../../api/types.ts';
import { ErrorMessage, Loading } from '../../components/feedback.tsx';
import { importColumns } from '../../shared/columns.ts';
import { fieldOfColumn, formatValue } from '../../shared/changes.ts';
import { formatNumber } from '../../shared/format.ts';

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

/** Errors that belong to no column of the table (a row with too many fields, a missing key). */
function rowProblemsOf(row: ImportRow, columns: string[]) {
  return row.errors.filter((error) => !error.column || !columns.includes(error.column));
}

function RowCells({ row, columns, withProblems }: { row: ImportRow; columns: string[]; withProblems: boolean }) {
  const rowProblems = rowProblemsOf(row, columns);
  return (
    <tr className={row.errors.length ? 'row-invalid' : undefined}>
      <td className="numeric">{row.row}</td>
      <td className="numeric muted">{row.line}</td>
      <td>
        <span className={`action action-${row.action}`}>{actionLabels[row.action]}</span>
      </td>
      {columns.map((column) => {
        const errors = row.errors.filter((error) => error.column === column);
        const warnings = (row.warnings ?? []).filter((warning) => warning.column === column);
        const change = row.changes?.[fieldOfColumn(column)];
        const value = row.values[column] ?? '';
        return (
          <td key={column} className={errors.length ? 'cell-invalid' : change ? 'cell-changed' : warnings.length ? 'cell-warning' : undefined}>
            {change ? (
              <span className="cell-value cell-diff">
                <del className="cell-old">{formatValue(change.from)}</del> → <ins className="cell-new">{formatValue(change.to)}</ins>
              </span>
            ) : (
              <span className="cell-value">{value === '' ? <span className="muted">empty</span> : value}</span>
            )}
            {warnings.map((warning) => (
              <span key={warning.code} className="cell-warning-text">
                {warning.message}
              </span>
            ))}
            {errors.map((error) => (
              <span key={error.code + error.message} className="cell-error">
                {error.message}
              </span>
            ))}
          </td>
        );
      })}
      {withProblems && (
        <td className={rowProblems.length ? 'cell-invalid' : undefined}>
          {rowProblems.map((error) => (
            <span key={error.code + error.message} className="cell-error">
              {error.column ? `${error.column}: ` : ''}
              {error.message}
            </span>
          ))}
        </td>
      )}
    </tr>
  );
}

interface Props {
  appId: string;
  importId: string;
  invalidRows: number;
  fileColumns?: string[];
}

export function ImportRowsTable({ appId, importId, invalidRows, fileColumns }: Props) {
  const switchId = useId();
  const [onlyInvalid, setOnlyInvalid] = useState(false);
  const [offset, setOffset] = useState(0);
  const rows = useImportRows(appId, importId, onlyInvalid, offset, ROWS_PER_PAGE, true);
  const page = rows.data?.rows ?? [];
  const total = rows.data?.total ?? 0;
  const columns = columnsOf(page, fileColumns);
  const withProblems = page.some((row) => rowProblemsOf(row, columns).length > 0);

  return (
    <section className="card" aria-labelledby="rows-title">
      <div className="section-head">
        <h2 id="rows-title">Rows</h2>
        <label className="switch" htmlFor={switchId}>
          <input
            id={switchId}
            type="checkbox"
            role="switch"
            checked={onlyInvalid}
            disabled={invalidRows === 0 && !onlyInvalid}
            onChange={(event) => {
              setOnlyInvalid(event.target.checked);
              setOffset(0);
            }}
          />
          Only invalid rows ({formatNumber(invalidRows)})
        </label>
      </div>
      <ErrorMessage error={rows.error} />
      {rows.isPending ? (
        <Loading label="Loading rows…" />
      ) : (
        <div className="table-wrap">
          <table className="data-table preview-table">
            <caption className="visually-hidden">{onlyInvalid ? 'Invalid rows of the file' : 'Rows of the file'}</caption>
            <thead>
              <tr>
                <th scope="col" className="numeric">
                  Row
                </th>
                <th scope="col" className="numeric">
                  Line
                </th>
                <th scope="col">Action</th>
                {columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
                {withProblems && <th scope="col">Problems</th>}
              </tr>
            </thead>
            <tbody>
              {page.map((row) => (
                <RowCells key={row.row} row={row} columns={columns} withProblems={withProblems} />
              ))}
            </tbody>
          </table>
          {page.length === 0 && <p className="empty">{onlyInvalid ? 'No invalid rows.' : 'The file has no rows.'}</p>}
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
