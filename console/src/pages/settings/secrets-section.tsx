import { type FormEvent, useId, useState } from 'react';
import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import type { Page } from '../../api/types.ts';
import { ConfirmButton, CopyButton, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { formatDate, formatDateTime } from '../../shared/format.ts';

interface Secret {
  id: string;
  name: string;
  prefix?: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface Props<Created> {
  title: string;
  intro: string;
  noun: string;
  list: UseQueryResult<Page<Secret>>;
  create: UseMutationResult<Created, Error, string>;
  revoke: UseMutationResult<void, Error, string>;
  secretOf(created: Created): string;
  /** API keys show their first characters; tokens have none to show. */
  withPrefix?: boolean;
}

/** API keys and console tokens work alike: create (the secret is shown once), list, revoke. */
export function SecretsSection<Created>({ title, intro, noun, list, create, revoke, secretOf, withPrefix = false }: Props<Created>) {
  const id = useId();
  const [name, setName] = useState('');
  // Revoked ones stay listed for the record, after the live ones.
  const secrets = [...(list.data?.results ?? [])].sort((a, b) => Number(a.revoked_at !== null) - Number(b.revoked_at !== null));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), { onSuccess: () => setName('') });
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className="muted">{intro}</p>
      <form className="inline-form" onSubmit={submit} aria-label={`Create ${noun}`}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} required maxLength={100} placeholder="what it is for" value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="field field-action">
          <button type="submit" className="button-primary" disabled={create.isPending}>
            Create {noun}
          </button>
        </div>
      </form>
      <ErrorMessage error={create.error} />
      {create.data && (
        <div className="notice notice-success secret-box" role="status">
          <p>
            Your new {noun}, shown only now. Copy it somewhere safe:
          </p>
          <p>
            <code className="secret" data-testid="new-secret">
              {secretOf(create.data)}
            </code>{' '}
            <CopyButton text={secretOf(create.data)} />
          </p>
        </div>
      )}
      <ErrorMessage error={list.error} />
      <ErrorMessage error={revoke.error} />
      {list.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                {withPrefix && <th scope="col">Starts with</th>}
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {secrets.map((secret) => (
                <tr key={secret.id} className={secret.revoked_at ? 'row-revoked' : undefined}>
                  <td className="cell-strong">{secret.name || <span className="muted">unnamed</span>}</td>
                  {withPrefix && <td>{secret.prefix ? <code>{secret.prefix}…</code> : '—'}</td>}
                  <td>{formatDate(secret.created_at)}</td>
                  <td>{formatDateTime(secret.last_used_at)}</td>
                  <td>
                    {secret.revoked_at ? (
                      <span className="muted">Revoked {formatDate(secret.revoked_at)}</span>
                    ) : (
                      <ConfirmButton label="Revoke" confirmLabel={`Revoke ${secret.name || noun}`} disabled={revoke.isPending} onConfirm={() => revoke.mutate(secret.id)} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {secrets.length === 0 && !list.error && <p className="empty">None yet.</p>}
        </div>
      )}
    </section>
  );
}
