import { useId } from 'react';

/** What the text parses to: a JSON object, or why it is not one. */
export function parseJsonObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'Metadata must be a JSON object, like {"tier": "gold"}' };
  return { ok: true, value: value as Record<string, unknown> };
}

interface Props {
  label: string;
  value: string;
  onChange(text: string): void;
  /** A message from the server about this field, shown like a local one. */
  serverError?: string;
}

/** A JSON text area that says at once, as you type, whether the text is a JSON object. */
export function JsonEditor({ label, value, onChange, serverError }: Props) {
  const id = useId();
  const parsed = parseJsonObject(value);
  const message = !parsed.ok ? parsed.message : serverError;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="json-editor"
        rows={Math.min(16, Math.max(4, value.split('\n').length + 1))}
        spellCheck={false}
        value={value}
        aria-invalid={message ? true : undefined}
        aria-describedby={`${id}-hint`}
        onChange={(event) => onChange(event.target.value)}
      />
      <small id={`${id}-hint`} className={message ? 'hint text-bad' : 'hint'} role={message ? 'alert' : undefined}>
        {message ?? 'A JSON object; it replaces the stored metadata whole. Up to 64 KB.'}
      </small>
    </div>
  );
}
