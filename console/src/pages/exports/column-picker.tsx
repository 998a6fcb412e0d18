import { useId } from 'react';
import { exportColumns, humanize, personalDataColumns } from '../../shared/columns.ts';

interface Props {
  selected: string[];
  onChange(columns: string[]): void;
  /** Whether the role may export personal-data columns. */
  personalData: boolean;
  roleLabel: string;
}

export function allowedColumns(personalData: boolean): string[] {
  return exportColumns.filter((column) => personalData || !personalDataColumns.includes(column));
}

export function ColumnPicker({ selected, onChange, personalData, roleLabel }: Props) {
  const reasonId = useId();
  const allowed = allowedColumns(personalData);
  const toggle = (column: string, on: boolean) =>
    onChange(on ? exportColumns.filter((candidate) => candidate === column || selected.includes(candidate)) : selected.filter((item) => item !== column));

  return (
    <fieldset className="column-picker">
      <legend>Columns</legend>
      <div className="picker-actions">
        <button type="button" className="button-link" onClick={() => onChange(allowed)}>
          Select all{personalData ? '' : ' allowed'}
        </button>
        <button type="button" className="button-link" onClick={() => onChange([])}>
          Clear
        </button>
        <span className="muted">{selected.length} selected</span>
      </div>
      {!personalData && (
        <p id={reasonId} className="notice notice-info">
          Your role ({roleLabel}) may not export personal data, so name, date of birth, email, phone and metadata columns are unavailable.
        </p>
      )}
      <div className="columns-grid">
        {exportColumns.map((column) => {
          const restricted = !allowed.includes(column);
          return (
            <label key={column} className={`check${restricted ? ' check-disabled' : ''}`} title={restricted ? 'Personal data: not available to your role' : undefined}>
              <input
                type="checkbox"
                name="columns"
                value={column}
                checked={!restricted && selected.includes(column)}
                disabled={restricted}
                aria-describedby={restricted ? reasonId : undefined}
                onChange={(event) => toggle(column, event.target.checked)}
              />
              <span>
                {humanize(column)} <code className="column-name">{column}</code>
                {restricted && <span className="restricted-reason"> personal data</span>}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
