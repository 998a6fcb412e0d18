import { type FormEvent, useState } from 'react';
import { certificatePage, type Erasure, useRequestErasure } from '../../api/erasure.ts';
import { Badge, ErrorMessage } from '../../components/feedback.tsx';
import { formatDate, formatDateTime } from '../../shared/format.ts';

/**
 * Erasing a person (docs/privacy.md#erasure): the legal-hold choice in plain words, a reason, and the
 * person's vendor data typed again before the button works.
 */
export function EraseUserForm({ appId, userId, vendorData }: { appId: string; userId: string; vendorData: string }) {
  const erase = useRequestErasure(appId, userId);
  const [hold, setHold] = useState<'keep' | 'none' | ''>('');
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const ready = hold !== '' && reason.trim() !== '' && typed === vendorData;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) erase.mutate({ reason: reason.trim(), legal_hold: hold === 'keep' });
  };

  return (
    <form onSubmit={submit} className="form-stack" aria-label="Erase this person">
      <p>
        Erasing removes this person from Roster for good: their record, faces, and their details wherever Roster kept them (the history keeps its
        entries, with their details replaced by “[erased]”). Files that held them are deleted. It cannot be undone.
      </p>
      <fieldset className="field">
        <legend>Anti-money-laundering record</legend>
        <label>
          <input type="radio" name="legal-hold" value="keep" checked={hold === 'keep'} onChange={() => setHold('keep')} /> Keep the legal record for 5 years
        </label>
        <small className="hint">
          Keeps only the full name, date of birth and verification sessions, which the law may require you to hold after a customer leaves. Only
          owners and compliance officers can read it, each time giving a reason. It is deleted automatically when the 5 years are over.
        </small>
        <label>
          <input type="radio" name="legal-hold" value="none" checked={hold === 'none'} onChange={() => setHold('none')} /> Erase everything
        </label>
        <small className="hint">Nothing about this person is kept. Choose this when no legal duty requires the record.</small>
      </fieldset>
      <div className="field">
        <label htmlFor="erase-reason">Reason</label>
        <textarea id="erase-reason" rows={2} maxLength={1000} value={reason} onChange={(event) => setReason(event.target.value)} placeholder="e.g. request by email, ticket 4411" />
        <small className="hint">Kept in the audit log and on the certificate, with your name. Do not write the person’s name here.</small>
      </div>
      <div className="field">
        <label htmlFor="erase-confirm">
          Type <code>{vendorData}</code> to confirm
        </label>
        <input id="erase-confirm" autoComplete="off" value={typed} onChange={(event) => setTyped(event.target.value)} />
      </div>
      <ErrorMessage error={erase.error} />
      <div>
        <button type="submit" className="button-danger" disabled={!ready || erase.isPending}>
          {erase.isPending ? 'Starting…' : 'Erase this person'}
        </button>
      </div>
    </form>
  );
}

const stepNames: Record<string, string> = {
  hold: 'held record',
  user: 'user record',
  faces: 'face images',
  ledger: 'audit log',
  feed: 'change feed',
  webhooks: 'webhook payloads',
  staging: 'import previews',
  import_files: 'import files',
  export_files: 'export files',
  free_text: 'filters and file names',
};

/** Where an erasure stands, and its certificate once done. */
export function ErasureStatus({ appId, erasure }: { appId: string; erasure: Erasure }) {
  return (
    <div className="form-stack" role="status">
      <p>
        <Badge value={erasure.status} /> Requested by {erasure.requested_by.label} on {formatDateTime(erasure.created_at)}.
      </p>
      {(erasure.status === 'queued' || erasure.status === 'running') && (
        <p>Erasing… done so far: {erasure.steps_done.length === 0 ? 'nothing yet' : erasure.steps_done.map((step) => stepNames[step] ?? step).join(', ')}.</p>
      )}
      {erasure.status === 'failed' && <p className="notice notice-error">The erasure stopped: {erasure.error}. Ask for it again to resume it.</p>}
      {erasure.status === 'completed' && (
        <>
          <p>
            Erased on {formatDateTime(erasure.finished_at)}.{' '}
            {erasure.legal_hold && erasure.hold_until
              ? `The legal record (full name, date of birth, sessions) is held until ${formatDate(erasure.hold_until)}${erasure.hold_purged_at ? ', and has been purged' : ''}.`
              : 'Nothing is held.'}
          </p>
          <p>
            <a href={certificatePage(appId, erasure.id)} target="_blank" rel="noreferrer">
              Open the erasure certificate
            </a>{' '}
            (printable)
          </p>
        </>
      )}
    </div>
  );
}
