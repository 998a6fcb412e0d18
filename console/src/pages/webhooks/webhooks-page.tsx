import { type FormEvent, useState } from 'react';
import { webhookEventTypes } from '../../../../src/shared/webhook-events.ts';
import { type EndpointInput, type WebhookEndpoint, useChangeEndpoint, useCreateEndpoint, useDeleteEndpoint, useRotateSecret, useSendTest, useWebhookEndpoints } from '../../api/webhooks.ts';
import { ConfirmButton, CopyButton, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { DeliveryLog } from './delivery-log.tsx';
import { EventSamples } from './event-samples.tsx';
import { CheckGroup } from '../../components/check-group.tsx';

/** A signing secret is shown once, right after it is made; the server never returns it again. */
function SecretOnce({ secret, what }: { secret: string; what: string }) {
  return (
    <div className="notice notice-success secret-box" role="status">
      <p>{what} Copy it now: it is shown only once. Receivers use it to check the webhook-signature header (docs/webhooks.md).</p>
      <p>
        <code className="secret" data-testid="new-secret">
          {secret}
        </code>{' '}
        <CopyButton text={secret} />
      </p>
    </div>
  );
}

const emptyForm: EndpointInput = { url: '', events: [...webhookEventTypes], payload: 'thin', import_events: 'summary' };

function EndpointForm({ appId }: { appId: string }) {
  const [form, setForm] = useState<EndpointInput>(emptyForm);
  const create = useCreateEndpoint(appId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ ...form, url: form.url.trim() }, { onSuccess: () => setForm(emptyForm) });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="webhook-form-title">
      <h2 id="webhook-form-title">New endpoint</h2>
      <div className="field">
        <label htmlFor="webhook-url">URL</label>
        <input id="webhook-url" type="url" required maxLength={2000} placeholder="https://example.com/roster-webhooks" value={form.url} onChange={(event) => setForm({ ...form, url: event.target.value })} />
      </div>
      <CheckGroup legend="Events" options={webhookEventTypes} selected={form.events} onChange={(events) => setForm({ ...form, events })} />
      <div className="inline-form">
        <div className="field">
          <label htmlFor="webhook-payload">Payload</label>
          <select id="webhook-payload" value={form.payload} onChange={(event) => setForm({ ...form, payload: event.target.value as EndpointInput['payload'] })}>
            <option value="thin">Thin: ids and what changed</option>
            <option value="full">Full: the change with the user</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="webhook-import-events">Import events</label>
          <select id="webhook-import-events" value={form.import_events} onChange={(event) => setForm({ ...form, import_events: event.target.value as EndpointInput['import_events'] })}>
            <option value="summary">Summary: one event per import</option>
            <option value="per_user">Per user: each user's event too</option>
          </select>
        </div>
      </div>
      <ErrorMessage error={create.error} title="The endpoint was not created." />
      {create.data && <SecretOnce secret={create.data.secret} what={`Endpoint ${create.data.url} created. Its signing secret:`} />}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={create.isPending || form.events.length === 0}>
          {create.isPending ? 'Creating…' : 'Create endpoint'}
        </button>
      </div>
    </form>
  );
}

function EndpointState({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (!endpoint.enabled) {
    return (
      <p className="text-bad">
        Disabled{endpoint.disabled_at ? ` since ${formatDateTime(endpoint.disabled_at)}` : ''}: {endpoint.disabled_reason ?? 'by an operator'}.
      </p>
    );
  }
  return <p>Enabled{endpoint.failing_since ? `; failing since ${formatDateTime(endpoint.failing_since)}` : ''}.</p>;
}

function EndpointCard({ appId, endpoint }: { appId: string; endpoint: WebhookEndpoint }) {
  const test = useSendTest(appId);
  const rotate = useRotateSecret(appId);
  const change = useChangeEndpoint(appId);
  const remove = useDeleteEndpoint(appId);
  return (
    <section className="card" aria-label={`Endpoint ${endpoint.url}`}>
      <h2>
        <code>{endpoint.url}</code>
      </h2>
      <EndpointState endpoint={endpoint} />
      <p className="muted">
        Events: {endpoint.events.join(', ')}. Payload {endpoint.payload}; import events {endpoint.import_events === 'per_user' ? 'per user' : 'as a summary'}.
      </p>
      <div className="actions">
        <button type="button" className="button-secondary" disabled={test.isPending} onClick={() => test.mutate(endpoint.id)}>
          Send test
        </button>
        <ConfirmButton label="Rotate secret" confirmLabel="Rotate: the old secret keeps signing for 24 h" disabled={rotate.isPending} onConfirm={() => rotate.mutate(endpoint.id)} />
        <button type="button" className="button-secondary" disabled={change.isPending} onClick={() => change.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}>
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        <ConfirmButton label="Delete" confirmLabel="Delete this endpoint (waiting deliveries are dropped)" disabled={remove.isPending} onConfirm={() => remove.mutate(endpoint.id)} />
      </div>
      {test.isSuccess && (
        <p className="notice notice-success" role="status">
          A webhook.test event is queued; it appears in the deliveries below.
        </p>
      )}
      {rotate.data && <SecretOnce secret={rotate.data.secret} what="The new signing secret:" />}
      <ErrorMessage error={test.error ?? rotate.error ?? change.error ?? remove.error} />
      <DeliveryLog appId={appId} endpointId={endpoint.id} eventTypes={endpoint.events} />
    </section>
  );
}

export function WebhooksPage() {
  // Only OWNER and ADMIN reach this page: its route checks webhooks.manage (console-pages.tsx).
  const { appId, app } = useSession();
  const endpoints = useWebhookEndpoints(appId);
  return (
    <>
      <PageHeader title={`Webhooks of ${app.name}`} />
      <EndpointForm appId={appId} />
      <ErrorMessage error={endpoints.error} />
      {endpoints.isPending ? <Loading label="Loading endpoints…" /> : endpoints.data?.results.length === 0 ? <p className="empty">No endpoints yet.</p> : null}
      {(endpoints.data?.results ?? []).map((endpoint) => (
        <EndpointCard key={endpoint.id} appId={appId} endpoint={endpoint} />
      ))}
      <EventSamples />
    </>
  );
}
