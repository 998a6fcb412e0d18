import { type FormEvent, useState } from 'react';
import { type ExportSchedule, type ScheduleInput, useCreateSchedule, useDeleteSchedule, useRunScheduleNow, useScheduleRuns, useSchedules, useTestDestination } from '../../api/export-schedules.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Badge, ConfirmButton, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { ExportFormatFields } from '../../components/export-format-fields.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { formatDateTime, formatNumber, formatShortDateTime } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';

const emptyForm = { name: '', cron: '0 2 * * *', timezone: 'UTC', format: 'csv' as ScheduleInput['format'], compression: 'none' as ScheduleInput['compression'], incremental: false, url: '', accessKey: '', secret: '' };

/** The server's next run times (UTC instants), said in the reader's own clock. */
function describeNextRuns(nextRuns: string[]): string {
  return nextRuns.length ? `Next runs (your clock): ${nextRuns.map(formatDateTime).join('; ')}.` : 'No run is due.';
}

function ScheduleForm({ appId }: { appId: string }) {
  const [form, setForm] = useState(emptyForm);
  const create = useCreateSchedule(appId);
  const set = (change: Partial<typeof emptyForm>) => setForm({ ...form, ...change });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const destination = form.url.trim() ? { url: form.url.trim(), access_key_id: form.accessKey.trim(), secret_access_key: form.secret } : null;
    create.mutate(
      { name: form.name.trim(), cron: form.cron.trim(), timezone: form.timezone.trim() || 'UTC', format: form.format, compression: form.compression, incremental: form.incremental, destination },
      { onSuccess: () => setForm(emptyForm) },
    );
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="schedule-form-title">
      <h2 id="schedule-form-title">New schedule</h2>
      <p className="muted">Runs an export of all users on a cron (minute hour day-of-month month day-of-week) in the time zone you name. Without a destination, each run is listed below and linked like any export.</p>
      <div className="inline-form">
        <div className="field">
          <label htmlFor="schedule-name">Name</label>
          <input id="schedule-name" required maxLength={120} value={form.name} onChange={(event) => set({ name: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="schedule-cron">Cron</label>
          <input id="schedule-cron" required maxLength={200} value={form.cron} onChange={(event) => set({ cron: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="schedule-timezone">Time zone</label>
          <input id="schedule-timezone" maxLength={64} placeholder="Europe/Madrid" value={form.timezone} onChange={(event) => set({ timezone: event.target.value })} />
        </div>
        <ExportFormatFields idPrefix="schedule" value={form} onChange={(choice) => set(choice)} />
        <label className="check">
          <input type="checkbox" checked={form.incremental} onChange={(event) => set({ incremental: event.target.checked })} /> Incremental (after the first run, only what changed)
        </label>
      </div>
      <fieldset className="inline-form">
        <legend>Destination bucket (optional)</legend>
        <div className="field">
          <label htmlFor="schedule-url">Destination URL</label>
          <input id="schedule-url" maxLength={2000} placeholder="s3://bucket/prefix?endpoint=https://…&region=…" value={form.url} onChange={(event) => set({ url: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="schedule-access-key">Access key</label>
          <input id="schedule-access-key" maxLength={200} required={form.url.trim() !== ''} value={form.accessKey} onChange={(event) => set({ accessKey: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="schedule-secret">Secret key</label>
          <input id="schedule-secret" type="password" autoComplete="off" maxLength={500} required={form.url.trim() !== ''} value={form.secret} onChange={(event) => set({ secret: event.target.value })} />
        </div>
      </fieldset>
      <ErrorMessage error={create.error} title="The schedule was not created." />
      {create.data && (
        <p className="notice notice-success" role="status">
          Schedule “{create.data.name}” created. {describeNextRuns(create.data.next_runs)}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create schedule'}
        </button>
      </div>
    </form>
  );
}

function ScheduleRuns({ appId, scheduleId }: { appId: string; scheduleId: string }) {
  const runs = useScheduleRuns(appId, scheduleId);
  if (runs.isPending) return <Loading label="Loading runs…" />;
  return (
    <>
      <ErrorMessage error={runs.error} />
      <DataTable caption="Last runs, newest first" columns={['Time', 'Export', { label: 'Rows', className: 'numeric' }, 'Delivery', 'Error']} empty={runs.data?.results.length === 0 && 'No runs yet.'}>
        {(runs.data?.results ?? []).map((run) => (
          <tr key={run.export_id}>
            <td title={formatDateTime(run.created_at)}>{formatShortDateTime(run.tick_at ?? run.created_at)}</td>
            <td>
              <Badge value={run.export_status} />
            </td>
            <td className="numeric">{formatNumber(run.row_count)}</td>
            <td>{run.delivery === 'none' ? <span className="muted">no destination</span> : <Badge value={run.delivery} />}</td>
            <td className="cell-wrap">{run.error ? <span className="text-bad">{run.error}</span> : '—'}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

function ScheduleCard({ appId, schedule }: { appId: string; schedule: ExportSchedule }) {
  const run = useRunScheduleNow(appId);
  const test = useTestDestination(appId);
  const remove = useDeleteSchedule(appId);
  return (
    <section className="card" aria-label={`Schedule ${schedule.name}`}>
      <h2>{schedule.name}</h2>
      <p>
        <code>{schedule.cron}</code> in {schedule.timezone}; {schedule.format.toUpperCase()}
        {schedule.compression === 'gzip' ? ', gzip' : ''}
        {schedule.incremental ? ', incremental' : ''}; destination: {schedule.destination ? <code>{schedule.destination.url}</code> : 'none (download links)'}.
      </p>
      <p className="muted">{describeNextRuns(schedule.next_runs)}</p>
      <div className="actions">
        <button type="button" className="button-secondary" disabled={run.isPending} onClick={() => run.mutate(schedule.id)}>
          Run now
        </button>
        {schedule.destination && (
          <button type="button" className="button-secondary" disabled={test.isPending} onClick={() => test.mutate(schedule.id)}>
            Test destination
          </button>
        )}
        <ConfirmButton label="Delete" confirmLabel={`Delete “${schedule.name}” (its past exports stay)`} disabled={remove.isPending} onConfirm={() => remove.mutate(schedule.id)} />
      </div>
      {run.isSuccess && (
        <p className="notice notice-success" role="status">
          Run started; it appears in the table below.
        </p>
      )}
      {test.data && (
        <p className={test.data.ok ? 'notice notice-success' : 'notice notice-error'} role="status">
          {test.data.ok ? `The destination works: wrote ${test.data.key ?? 'a test object'}.` : `The destination failed: ${test.data.error ?? 'no reason given'}.`}
        </p>
      )}
      <ErrorMessage error={run.error ?? test.error ?? remove.error} />
      <ScheduleRuns appId={appId} scheduleId={schedule.id} />
    </section>
  );
}

export function ExportSchedulesPage() {
  const { appId } = useSession();
  const schedules = useSchedules(appId);
  return (
    <>
      <PageHeader title="Scheduled exports" />
      <ScheduleForm appId={appId} />
      <ErrorMessage error={schedules.error} />
      {schedules.isPending ? <Loading label="Loading schedules…" /> : schedules.data?.results.length === 0 ? <p className="empty">No schedules yet.</p> : null}
      {(schedules.data?.results ?? []).map((schedule) => (
        <ScheduleCard key={schedule.id} appId={appId} schedule={schedule} />
      ))}
    </>
  );
}
