import { type FormEvent, useId, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client.ts';
import type { User } from '../../api/types.ts';
import { useDeleteUser, usePatchUser } from '../../api/users.ts';
import { ConfirmButton, ErrorMessage } from '../../components/feedback.tsx';
import { JsonEditor, parseJsonObject } from '../../components/json-editor.tsx';
import { splitList } from '../../shared/format.ts';

type TextField = 'display_name' | 'full_name' | 'date_of_birth' | 'email' | 'phone' | 'country';

const textFields: { field: TextField; label: string; type?: string; hint?: string }[] = [
  { field: 'display_name', label: 'Display name' },
  { field: 'full_name', label: 'Full name' },
  { field: 'date_of_birth', label: 'Date of birth', type: 'date' },
  { field: 'email', label: 'Email', type: 'email' },
  { field: 'phone', label: 'Phone', type: 'tel', hint: 'International form, e.g. +34600123456' },
  { field: 'country', label: 'Country', hint: 'ISO 3166-1 alpha-3, e.g. ESP' },
];

function draftOf(user: User) {
  return {
    ...Object.fromEntries(textFields.map(({ field }) => [field, user[field] ?? ''])),
    tags: user.tags.join(', '),
    metadata: JSON.stringify(user.metadata ?? {}, null, 2),
  } as Record<TextField | 'tags' | 'metadata', string>;
}

/** Only the fields that differ from the stored user: an untouched form sends nothing. */
function changesOf(user: User, draft: Record<string, string>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const { field } of textFields) {
    const next = draft[field].trim();
    if (next !== (user[field] ?? '')) changes[field] = next === '' ? null : next;
  }
  const tags = splitList(draft.tags);
  if (tags.join(',') !== user.tags.join(',')) changes.tags = tags;
  const metadata = parseJsonObject(draft.metadata);
  if (metadata.ok && JSON.stringify(metadata.value) !== JSON.stringify(user.metadata ?? {})) changes.metadata = metadata.value;
  return changes;
}

function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return {};
  const byField: Record<string, string> = {};
  for (const detail of error.details as { field?: string; message: string }[]) if (detail.field) byField[detail.field.split('.')[0]] = detail.message;
  return byField;
}

/** Edit the profile fields, tags and metadata; verified fields stay read-only once an approved session set them. */
export function UserEditForm({ appId, user }: { appId: string; user: User }) {
  const ids = useId();
  const patch = usePatchUser(appId, user.didit_internal_id);
  const [draft, setDraft] = useState(() => draftOf(user));
  const [saved, setSaved] = useState(false);
  const errors = fieldErrors(patch.error);
  const changes = changesOf(user, draft);
  const metadataValid = parseJsonObject(draft.metadata).ok;
  const verified = Boolean(user.verified_at);

  const set = (field: string, value: string) => {
    setSaved(false);
    setDraft((current) => ({ ...current, [field]: value }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    patch.mutate(changes, {
      onSuccess: (updated) => {
        setDraft(draftOf(updated));
        setSaved(true);
      },
    });
  };

  return (
    <form onSubmit={submit} className="form-stack" aria-label="Edit profile">
      <div className="form-grid">
        {textFields.map(({ field, label, type, hint }) => {
          const locked = verified && (field === 'full_name' || field === 'date_of_birth');
          return (
            <div className="field" key={field}>
              <label htmlFor={`${ids}-${field}`}>{label}</label>
              <input
                id={`${ids}-${field}`}
                type={type ?? 'text'}
                value={draft[field]}
                disabled={locked}
                aria-invalid={errors[field] ? true : undefined}
                aria-describedby={`${ids}-${field}-hint`}
                onChange={(event) => set(field, event.target.value)}
              />
              <small id={`${ids}-${field}-hint`} className={errors[field] ? 'hint text-bad' : 'hint'}>
                {errors[field] ?? (locked ? 'Verified by an approved session: read-only.' : hint)}
              </small>
            </div>
          );
        })}
        <div className="field">
          <label htmlFor={`${ids}-tags`}>Tags</label>
          <input id={`${ids}-tags`} value={draft.tags} aria-describedby={`${ids}-tags-hint`} onChange={(event) => set('tags', event.target.value)} />
          <small id={`${ids}-tags-hint`} className={errors.tags ? 'hint text-bad' : 'hint'}>
            {errors.tags ?? 'Comma separated'}
          </small>
        </div>
      </div>
      <JsonEditor label="Metadata (JSON)" value={draft.metadata} onChange={(text) => set('metadata', text)} serverError={errors.metadata} />
      <ErrorMessage error={patch.error} title="Nothing was saved." />
      {saved && (
        <p className="notice notice-success" role="status">
          Saved. The change is in the audit log.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={patch.isPending || !metadataValid || Object.keys(changes).length === 0}>
          {patch.isPending ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="button-link" disabled={Object.keys(changes).length === 0} onClick={() => setDraft(draftOf(user))}>
          Undo edits
        </button>
      </div>
    </form>
  );
}

export function DeleteUser({ appId, user }: { appId: string; user: User }) {
  const remove = useDeleteUser(appId, user.didit_internal_id);
  const navigate = useNavigate();
  return (
    <div className="form-stack">
      <p className="muted">Deletes the user with their faces and verification sessions. The audit log keeps a record that they existed.</p>
      <ErrorMessage error={remove.error} title="The user was not deleted." />
      <div>
        <ConfirmButton
          label="Delete user"
          confirmLabel={`Delete ${user.vendor_data.length > 40 ? `${user.vendor_data.slice(0, 40)}…` : user.vendor_data} for good`}
          disabled={remove.isPending}
          onConfirm={() => remove.mutate(undefined, { onSuccess: () => navigate('/users', { state: { deleted: user.vendor_data } }) })}
        />
      </div>
    </div>
  );
}
