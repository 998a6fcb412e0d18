import type { ReactNode } from 'react';

export interface DataTableColumn {
  label: string;
  /** Announced to screen readers only (action and link columns). */
  hidden?: boolean;
  className?: string;
}

interface Props {
  caption: string;
  columns: (string | DataTableColumn)[];
  children: ReactNode;
  /** Shown under the table when it has no rows. */
  empty?: string | false;
}

/** The console's list table: scrollable wrapper, a caption for screen readers, one header row. */
export function DataTable({ caption, columns, children, empty }: Props) {
  return (
    // Focusable, so a keyboard can scroll a table wider than its box (axe: scrollable-region-focusable).
    <div className="table-wrap" tabIndex={0}>
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const { label, hidden, className } = typeof column === 'string' ? { label: column } : column;
              return (
                <th key={label} scope="col" className={className}>
                  {hidden ? <span className="visually-hidden">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {empty && <p className="empty">{empty}</p>}
    </div>
  );
}
