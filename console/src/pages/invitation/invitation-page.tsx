import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client.ts';
import { announceSession, meKey } from '../../api/session.ts';
import type { OperatorSummary, Organization, Role } from '../../api/types.ts';
import { ErrorMessage, Loading } from '../../components/feedback.tsx';
import { roleLabels } from '../../shared/columns.ts';

interface InvitationFacts {
  email: string;
  role: Role;
  name: string;
  organization: Organization;
  expires_at: string;
}

/** The invitation link carries its token in the fragment (`/invitation#token=…`): it never reaches a server log. */
function tokenFromLocation(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

/** Where an invited person chooses a password; using the link makes their account and signs them in. */
export function InvitationPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [token] = useState(tokenFromLocation);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api<InvitationFacts>('/invitations/lookup', { method: 'POST', body: { token } }),
    enabled: token !== '',
    retry: false,
  });
  const accept = useMutation({
    mutationFn: () =>
      api<{ operator: OperatorSummary; organization: Organization }>('/invitations/accept', { method: 'POST', body: { token, password, name: name.trim() || undefined } }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: meKey });
      announceSession(true);
      navigate('/', { replace: true });
    },
  });

  useEffect(() => {
    document.title = 'Join · Roster';
  }, []);
  useEffect(() => {
    if (invitation.data) setName((current) => current || invitation.data.name);
  }, [invitation.data]);

  const mismatch = repeated !== '' && repeated !== password;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) accept.mutate();
  };

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby="invitation-title">
        <p className="brand brand-large">Roster</p>
        <h1 id="invitation-title">Join your team</h1>
        {token === '' && <p className="notice notice-error">This page needs the link from your invitation email.</p>}
        {invitation.isPending && token !== '' && <Loading label="Checking the invitation…" />}
        <ErrorMessage error={invitation.error} />
        {invitation.data && (
          <>
            <p>
              You were invited to <strong>{invitation.data.organization.name}</strong> as {roleLabels[invitation.data.role]}, with the address{' '}
              <strong>{invitation.data.email}</strong>.
            </p>
            <div className="field">
              <label htmlFor="invitation-name">Your name</label>
              <input id="invitation-name" autoComplete="name" value={name} onChange={(event) => setName(event.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="invitation-password">Choose a password</label>
              <input
                id="invitation-password"
                type="password"
                autoComplete="new-password"
                minLength={8}
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="invitation-repeat">Repeat the password</label>
              <input
                id="invitation-repeat"
                type="password"
                autoComplete="new-password"
                required
                aria-invalid={mismatch}
                value={repeated}
                onChange={(event) => setRepeated(event.target.value)}
              />
            </div>
            {mismatch && <p className="notice notice-error">The two passwords differ.</p>}
            <ErrorMessage error={accept.error} />
            <button type="submit" className="button-primary" disabled={accept.isPending || mismatch}>
              {accept.isPending ? 'Joining…' : 'Join and sign in'}
            </button>
          </>
        )}
        <p className="hint">
          <a href="/">Sign in with an existing account</a>
        </p>
      </form>
    </main>
  );
}
