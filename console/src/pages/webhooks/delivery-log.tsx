import { type FormEvent, useId, useState } from 'react';
import { type DeliveryStatus, deliveryStatuses, useDeliveries, useRecoverSince, useRedeliver } from '../../api/webhooks.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Badge, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { countOf, formatDateTime, formatNumber, formatShortDateTime } from '../../shared/format.ts';

/** Re-sends every delivery that failed since a time the operator picks (their local clock, sent as UTC). */
function RecoverSince({ appId, endpointId }: { appId: string; endpointId: string }) {
  const id = useId();
  const [since, setSince] = useState('');
  const recover = useRecoverSince(appId, endpointId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    recover.mutate(new Date(since).toISOString());
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Recover failed deliveries">
      <div className="field">
        <label htmlFor={`${id}-since`}>Recover failed deliveries since</label>
        <input id={`${id}-since`} type="datetime-local" required value={since} onChange={(event) => setSince(event.target.value)} />
      </div>
      <div className="field field-action">
        <button type="submit" className="button-secondary" disabled={recover.isPending}>
          Recover since
        </button>
      </div>
      <ErrorMessage error={recover.error} />
      {recover.data && (
        <p className="notice notice-success" role="status">
          {countOf(recover.data.recovered, 'failed delivery', 'failed deliveries')} queued again.
        </p>
      )}
    </form>
  );
}

function Attempts({ attempts }: { attempts: { attempted_at: string; status_code: number | null; duration_ms: number; response_excerpt: string | null; error: string | null }[] }) {
  if (attempts.length === 0) return <span className="muted">not tried yet</span>;
  return (
    <ol className="attempts">
      {attempts.map((attempt) => (
        <li key={attempt.attempted_at}>
          {formatShortDateTime(attempt.attempted_at)}: {attempt.status_code === null ? 'no answer' : `HTTP ${attempt.status_code}`} in {attempt.duration_ms} ms
          {attempt.error ? <span className="text-bad"> ({attempt.error})</span> : null}
          {attempt.response_excerpt ? <code className="excerpt"> {attempt.response_excerpt.slice(0, 200)}</code> : null}
        </li>
      ))}
    </ol>
  );
}

/** One endpoint's deliveries, newest first, filtered by status and event type, a page at a time, each with its attempts and a Redeliver button. */
export function DeliveryLog({ appId, endpointId, eventTypes }: { appId: string; endpointId: string; eventTypes: readonly string[] }) {
  const id = useId();
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [eventType, setEventType] = useState('');
  const deliveries = useDeliveries(appId, endpointId, { status, eventType });
  const redeliver = useRedeliver(appId, endpointId);
  const shown = deliveries.data?.pages.flatMap((page) => page.results) ?? [];
  return (
    <div className="delivery-log">
      <h3>Deliveries</h3>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status} onChange={(event) => setStatus(event.target.value as DeliveryStatus | '')}>
            <option value="">Any</option>
            {deliveryStatuses.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-event-type`}>Event</label>
          <select id={`${id}-event-type`} value={eventType} onChange={(event) => setEventType(event.target.value)}>
            <option value="">Any</option>
            {[...eventTypes, 'webhook.test'].map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
      </div>
      <RecoverSince appId={appId} endpointId={endpointId} />
      <ErrorMessage error={deliveries.error ?? redeliver.error} />
      {deliveries.isPending ? (
        <Loading label="Loading deliveries…" />
      ) : (
        <DataTable caption="Deliveries, newest first" columns={['Created', 'Event', 'Status', 'Attempts', { label: 'Actions', hidden: true }]} empty={shown.length === 0 && (status || eventType ? 'No deliveries match.' : 'No deliveries yet.')}>
          {shown.map((delivery) => (
            <tr key={delivery.id}>
              <td title={formatDateTime(delivery.created_at)}>{formatShortDateTime(delivery.created_at)}</td>
              <td>
                <code>{delivery.event_type}</code>
              </td>
              <td>
                <Badge value={delivery.status} />
              </td>
              <td className="cell-wrap">
                <Attempts attempts={delivery.attempts} />
              </td>
              <td>
                <button type="button" className="button-secondary" disabled={redeliver.isPending} onClick={() => redeliver.mutate(delivery.id)}>
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {deliveries.hasNextPage && (
        <button type="button" className="button-secondary" disabled={deliveries.isFetchingNextPage} onClick={() => void deliveries.fetchNextPage()}>
          {deliveries.isFetchingNextPage ? 'Loading…' : `Show older deliveries (${formatNumber(shown.length)} shown)`}
        </button>
      )}
    </div>
  );
}
