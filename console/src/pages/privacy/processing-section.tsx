import { type FormEvent, useEffect, useState } from 'react';
import { processingRecordUrl, useChangePrivacySettings, usePrivacySettings } from '../../api/privacy.ts';
import { ErrorMessage, Loading } from '../../components/feedback.tsx';
import { formatDateTime } from '../../shared/format.ts';

/** Purposes, sources and controller, and the record of processing built from them (docs/privacy.md#record-of-processing). */
const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);

export function ProcessingSection({ appId }: { appId: string }) {
  const settings = usePrivacySettings(appId);
  const change = useChangePrivacySettings(appId);
  const [draft, setDraft] = useState({ purposes: '', sources: '', controller: '' });
  useEffect(() => {
    if (settings.data) setDraft({ purposes: settings.data.purposes.join('\n'), sources: settings.data.sources.join('\n'), controller: settings.data.controller ?? '' });
  }, [settings.data]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({ purposes: lines(draft.purposes), sources: lines(draft.sources), controller: draft.controller.trim() === '' ? null : draft.controller.trim() });
  };

  if (settings.isPending) return <Loading label="Loading privacy settings…" />;
  if (!settings.data) return <ErrorMessage error={settings.error} />;
  return (
    <form onSubmit={submit} className="form-stack" aria-label="Record of processing">
      <p>
        What the record of processing (GDPR Art. 30) says about this application. Roster adds the data categories, recipients, retention and security measures
        itself. Read it as <a href={processingRecordUrl(appId, 'html')} target="_blank" rel="noreferrer">a printable page</a> or as{' '}
        <a href={processingRecordUrl(appId, 'json')}>JSON</a>.
      </p>
      <label htmlFor="privacy-controller">Controller (who is responsible, with a contact)</label>
      <input id="privacy-controller" value={draft.controller} maxLength={1000} onChange={(event) => setDraft({ ...draft, controller: event.target.value })} />
      <label htmlFor="privacy-purposes">Purposes, one a line</label>
      <textarea id="privacy-purposes" rows={4} value={draft.purposes} onChange={(event) => setDraft({ ...draft, purposes: event.target.value })} />
      <label htmlFor="privacy-sources">Sources of the data, one a line</label>
      <textarea id="privacy-sources" rows={3} value={draft.sources} onChange={(event) => setDraft({ ...draft, sources: event.target.value })} />
      <ErrorMessage error={change.error} />
      {change.isSuccess && (
        <p className="notice notice-success" role="status">
          Saved.
        </p>
      )}
      {settings.data.updated_at && (
        <p className="muted">
          Last changed on {formatDateTime(settings.data.updated_at)}
          {settings.data.updated_by ? ` by ${settings.data.updated_by}` : ''}.
        </p>
      )}
      <div>
        <button type="submit" className="button-primary" disabled={change.isPending}>
          {change.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
