import { type KeyboardEvent, useState } from 'react';
import { useEditRow } from '../../api/migration.ts';
import type { ImportRow } from '../../api/types.ts';

/** A cell of the preview that can be corrected in place (docs/vendor-migration.md#cell-edits-api): the row is checked again at once. */
export function CellEditor({ appId, importId, row, column, value }: { appId: string; importId: string; row: ImportRow; column: string; value: string }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(value);
  const edit = useEditRow(appId, importId);
  const save = () => edit.mutate({ row: row.row, values: { [column]: text } }, { onSuccess: () => setEditing(false) });
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') save();
    if (event.key === 'Escape') {
      setText(value);
      setEditing(false);
    }
  };
  if (!editing) {
    return (
      <button type="button" className="cell-edit" title="Edit this cell" aria-label={`${value === '' ? 'empty' : value} (Edit ${column} of row ${row.row})`} onClick={() => { setText(value); setEditing(true); }}>
        {value === '' ? <span className="muted">empty</span> : value}
      </button>
    );
  }
  return (
    <span className="cell-editing">
      <input aria-label={`New ${column} for row ${row.row}`} value={text} autoFocus onChange={(event) => setText(event.target.value)} onKeyDown={onKey} disabled={edit.isPending} />
      <button type="button" className="button-secondary" onClick={save} disabled={edit.isPending}>
        Save
      </button>
      {edit.error ? <span className="cell-error">{(edit.error as Error).message}</span> : null}
    </span>
  );
}
