import { type FormEvent, useEffect, useId, useState } from 'react';
import { useCompletePasswordReset } from '../../api/passwords.ts';
import { ErrorMessage } from '../../components/feedback.tsx';
import { MIN_PASSWORD_CHARS } from '../settings/password-section.tsx';

/** Where a reset link leads: choose a new password, then sign in with it. Works without a session. */
export function ResetPasswordPage() {
  const ids = useId();
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const complete = useCompletePasswordReset();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && password !== again;

  useEffect(() => {
    document.title = 'Choose a new password · Roster';
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    complete.mutate({ token, new_password: password });
  };

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby={`${ids}-title`}>
        <p className="brand brand-large">Roster</p>
        <h1 id={`${ids}-title`}>Choose a new password</h1>
        {complete.isSuccess ? (
          <>
            <p className="notice notice-success" role="status">
              Your password is set. Sign in as {complete.data.email} with it.
            </p>
            <a className="button-primary" href="/">
              Go to sign in
            </a>
          </>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${ids}-new`}>New password</label>
              <input id={`${ids}-new`} type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_CHARS} autoFocus value={password} onChange={(event) => setPassword(event.target.value)} />
              <small className="hint">At least {MIN_PASSWORD_CHARS} characters.</small>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-again`}>New password again</label>
              <input id={`${ids}-again`} type="password" autoComplete="new-password" required value={again} aria-invalid={mismatch || undefined} onChange={(event) => setAgain(event.target.value)} />
              {mismatch && <small className="hint text-bad">The two passwords differ.</small>}
            </div>
            <ErrorMessage error={token ? complete.error : new Error('This page needs the link from the email, with its token.')} />
            <button type="submit" className="button-primary" disabled={!token || mismatch || password.length < MIN_PASSWORD_CHARS || complete.isPending}>
              {complete.isPending ? 'Saving…' : 'Set password'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
