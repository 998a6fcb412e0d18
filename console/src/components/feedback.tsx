import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client.ts';
import { percent } from '../shared/format.ts';

/** An API or network error in words; `role="alert"` so screen readers announce it. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      {title && <strong>{title} </strong>}
      {describeError(error)}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const share = percent(value, max);
  return (
    <div className="progress">
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max || 1} aria-valuenow={value} aria-valuetext={`${share}%`}>
        <div className="progress-fill" style={{ width: `${share}%` }} />
      </div>
      <span className="progress-text">{share}%</span>
    </div>
  );
}

const badgeTone: Record<string, string> = {
  ACTIVE: 'good',
  FLAGGED: 'warn',
  BLOCKED: 'bad',
  completed: 'good',
  ready: 'info',
  running: 'info',
  queued: 'info',
  validating: 'info',
  failed: 'bad',
  cancelled: 'muted',
  expired: 'muted',
  success: 'good',
  failure: 'bad',
  denied: 'bad',
};

export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${badgeTone[value] ?? 'muted'}`}>{value.replace(/_/g, ' ')}</span>;
}

/** Copies text and says so for a moment; the text stays selectable for keyboards and old browsers. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return (
    <button
      type="button"
      className="button-secondary"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
          timer.current = window.setTimeout(() => setCopied(false), 2000);
        } catch {
          setCopied(false);
        }
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** A destructive action asks once more, inline, instead of a modal dialog. */
export function ConfirmButton({ label, confirmLabel, onConfirm, disabled }: { label: string; confirmLabel: string; onConfirm(): void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="button-secondary" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="button-danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="button-link" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}

/** A table cell whose text is cut with an ellipsis (table cells ignore max-width, so an inner block carries it). */
export function ClipCell({ children, strong = false, title, label }: { children: React.ReactNode; strong?: boolean; title?: string; label?: string }) {
  return (
    <td className={strong ? 'cell-strong' : undefined} data-label={label}>
      <div className="clip" title={title}>
        {children}
      </div>
    </td>
  );
}
