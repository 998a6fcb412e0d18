import { type FormEvent, useId, useState } from 'react';
import { useChangeOwnPassword, useRequestPasswordReset } from '../../api/passwords.ts';
import { ConfirmButton, ErrorMessage } from '../../components/feedback.tsx';
import { formatDateTime } from '../../shared/format.ts';

export const MIN_PASSWORD_CHARS = 10;

/** Change your own password: the current one, then the new one twice. */
export function PasswordSection() {
  const ids = useId();
  const change = useChangeOwnPassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && next !== again;
  const tooShort = next !== '' && next.length < MIN_PASSWORD_CHARS;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setAgain('');
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Your password</h2>
      <form className="form-stack narrow-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${ids}-current`}>Current password</label>
          <input id={`${ids}-current`} type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-new`}>New password</label>
          <input
            id={`${ids}-new`}
            type="password"
            autoComplete="new-password"
            required
            value={next}
            aria-describedby={`${ids}-new-hint`}
            aria-invalid={tooShort || undefined}
            onChange={(event) => setNext(event.target.value)}
          />
          <small id={`${ids}-new-hint`} className={tooShort ? 'hint text-bad' : 'hint'}>
            At least {MIN_PASSWORD_CHARS} characters. Your other sessions end when it changes.
          </small>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-again`}>New password again</label>
          <input id={`${ids}-again`} type="password" autoComplete="new-password" required value={again} aria-invalid={mismatch || undefined} onChange={(event) => setAgain(event.target.value)} />
          {mismatch && <small className="hint text-bad">The two new passwords differ.</small>}
        </div>
        <ErrorMessage error={change.error} title="The password did not change." />
        {change.isSuccess && (
          <p className="notice notice-success" role="status">
            Password changed. Your other sessions have ended.
          </p>
        )}
        <div>
          <button type="submit" className="button-primary" disabled={change.isPending || mismatch || tooShort || !current || !next || !again}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** OWNER's button on a member's row: mails them a one-time link to choose a new password. */
export function ResetPasswordButton({ operatorId, email }: { operatorId: string; email: string }) {
  const reset = useRequestPasswordReset();
  return (
    <>
      <ConfirmButton label="Reset password" confirmLabel={`Mail ${email} a reset link`} disabled={reset.isPending} onConfirm={() => reset.mutate(operatorId)} />
      {reset.isSuccess && (
        <span className="hint" role="status">
          {' '}
          Link mailed to {reset.data.email}; it works once, until {formatDateTime(reset.data.expires_at)}.
        </span>
      )}
      <ErrorMessage error={reset.error} />
    </>
  );
}
