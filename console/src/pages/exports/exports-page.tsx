import { type FormEvent, useState } from 'react';
import { exportFilters, useCancelExport, useExports, useRequestExport, useRevokeExport } from '../../api/exports.ts';
import type { ExportFormatChoice, ExportJob, UserFilters } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Badge, ClipCell, ConfirmButton, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { ExportFormatFields, formatLabels } from '../../components/export-format-fields.tsx';
import { Card, PageHeader } from '../../components/layout.tsx';
import { emptyFilters, UserFiltersForm } from '../../components/user-filters.tsx';
import { roleLabels } from '../../shared/columns.ts';
import { countOf, formatDateTime, formatNumber, formatShortDateTime } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { allowedColumns, ColumnPicker } from './column-picker.tsx';
import { type IncrementalChoice, IncrementalFields, sinceSeqOf } from './incremental-fields.tsx';

function describeFilters(filters: Partial<UserFilters>): string {
  const parts: string[] = [];
  if (filters.status?.length) parts.push(`status ${filters.status.join(' or ')}`);
  if (filters.country?.length) parts.push(`country ${filters.country.join(' or ')}`);
  if (filters.tags?.length) parts.push(`tags ${filters.tags.join(' or ')}`);
  if (filters.search) parts.push(`matching “${filters.search}”`);
  if (filters.created_after) parts.push(`created from ${filters.created_after}`);
  if (filters.created_before) parts.push(`created before ${filters.created_before}`);
  const checked = (filters as { didit_internal_id?: string[] }).didit_internal_id;
  if (checked?.length) parts.push(`${countOf(checked.length, 'checked user')}`);
  return parts.length ? parts.join(', ') : 'all users';
}

function RevokeLink({ appId, job }: { appId: string; job: ExportJob }) {
  const revoke = useRevokeExport(appId);
  return (
    <>
      <ConfirmButton label="Revoke link" confirmLabel="Revoke: the link stops working for everyone" disabled={revoke.isPending} onConfirm={() => revoke.mutate(job.id)} />
      <ErrorMessage error={revoke.error} />
    </>
  );
}

function CancelExport({ appId, job }: { appId: string; job: ExportJob }) {
  const cancel = useCancelExport(appId);
  return (
    <>
      <ConfirmButton label="Cancel" confirmLabel="Cancel this export" disabled={cancel.isPending} onConfirm={() => cancel.mutate(job.id)} />
      <ErrorMessage error={cancel.error} />
    </>
  );
}

/** An export in several parts (EXPORT_PART_BYTES) has more files than the first; manifest.json lists them all with their sha256. */
function OtherFiles({ job }: { job: ExportJob }) {
  const files = job.parts ?? [];
  if (files.length <= 1) return null;
  return (
    <details className="export-files">
      <summary>All {files.length} files</summary>
      <ul>
        {files.map((file) => (
          <li key={file.name}>
            {file.download_url ? (
              <a href={file.download_url} download>
                {file.name}
              </a>
            ) : (
              file.name
            )}{' '}
            <span className="muted">({file.name === 'manifest.json' ? 'the list of parts, written last' : countOf(file.rows, 'row')})</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** "CSV, gzip; changes after seq 120, as of seq 480" */
function describeKind(job: ExportJob): string {
  const format = `${formatLabels[job.format] ?? job.format}${job.compression === 'gzip' ? ', gzip' : ''}`;
  const range = job.since_seq !== null ? `changes after seq ${formatNumber(job.since_seq)}` : 'all users';
  return `${format}; ${range}${job.as_of_seq !== null ? `, as of seq ${formatNumber(job.as_of_seq)}` : ''}`;
}

function ExportStatus({ job, email, appId, mayRevoke }: { job: ExportJob; email: string; appId: string; mayRevoke: boolean }) {
  if (job.revoked_at) return <span className="muted">The link was revoked {formatShortDateTime(job.revoked_at)}.</span>;
  const linkLive = job.status === 'completed' && job.expires_at !== null && new Date(job.expires_at) > new Date();
  const revoke = mayRevoke && linkLive ? <RevokeLink appId={appId} job={job} /> : null;
  if (job.status === 'completed' && job.download_url) {
    return (
      <>
        <a className="button-secondary" href={job.download_url} download>
          Download {formatLabels[job.format]}
        </a>
        <OtherFiles job={job} />
        <span className="hint export-hint">
          Also emailed to {job.created_by?.email ?? email}
          {job.expires_at ? `; the link works until ${formatDateTime(job.expires_at)}` : ''}.
        </span>
        {revoke}
      </>
    );
  }
  if (revoke) return revoke;
  if (job.status === 'failed') {
    const reason = typeof job.error === 'string' ? job.error : job.error?.message;
    return <span className="text-bad">{reason ?? 'The export failed.'}</span>;
  }
  if (job.status === 'expired') return <span className="muted">The link has expired; request the export again.</span>;
  if (job.status === 'cancelled') return <span className="muted">Cancelled{job.finished_at ? ` ${formatShortDateTime(job.finished_at)}` : ''}.</span>;
  // A completed export without a link: it holds columns this role may not download, or its link expired.
  if (job.status === 'completed') {
    const expired = job.expires_at !== null && new Date(job.expires_at).getTime() <= Date.now();
    return (
      <span className="muted">
        {expired ? 'Ready, but its link has expired; request the export again.' : 'Ready. It holds personal-data columns your role may not download.'}
      </span>
    );
  }
  // The requester may cancel their own export; an OWNER (who may revoke links) anyone's.
  const mayCancel = job.created_by?.email === email || mayRevoke;
  return (
    <span className="muted">
      {mayCancel && <CancelExport appId={appId} job={job} />}{' '}
      {job.status === 'running' && job.rows_written != null ? `Writing… ${countOf(job.rows_written, 'row')} so far. ` : 'Preparing… '}
      {job.created_by?.email === email ? 'You will get an email with the link.' : `${job.created_by?.email ?? 'The requester'} gets an email with the link.`}
    </span>
  );
}

export function ExportsPage() {
  const { appId, app, me, can } = useSession();
  const personalData = can('exports.personal_data');
  const [filters, setFilters] = useState<UserFilters>(emptyFilters);
  const [columns, setColumns] = useState<string[]>(() => allowedColumns(personalData));
  const [kind, setKind] = useState<ExportFormatChoice>({ format: 'csv', compression: 'none' });
  const [incremental, setIncremental] = useState<IncrementalChoice>({ scope: 'full', seq: '' });
  const request = useRequestExport(appId);
  const exports = useExports(appId);
  // "Since the last export": the newest completed export this page lists, whatever its filters.
  const lastExport = exports.data?.results.find((job) => job.status === 'completed' && job.as_of_seq !== null);
  const sinceSeq = sinceSeqOf(incremental, lastExport);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (sinceSeq === undefined) return;
    request.mutate({ filters, columns, ...kind, sinceSeq });
  };

  return (
    <>
      <PageHeader title="Export users" />
      <form className="card" onSubmit={submit} aria-labelledby="export-form-title">
        <h2 id="export-form-title">What to export from {app.name}</h2>
        <UserFiltersForm value={filters} onChange={setFilters} />
        <ColumnPicker selected={columns} onChange={setColumns} personalData={personalData} roleLabel={roleLabels[me.operator.role]} />
        <div className="inline-form">
          <ExportFormatFields idPrefix="export" value={kind} onChange={setKind} />
        </div>
        <IncrementalFields value={incremental} onChange={setIncremental} lastExport={lastExport} />
        <ErrorMessage error={request.error} title="The export was not requested." />
        {request.isSuccess && (
          <p className="notice notice-success" role="status">
            Export requested. It appears below, and the download link is emailed to {me.operator.email} when it is ready.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button-primary" disabled={request.isPending || columns.length === 0 || sinceSeq === undefined}>
            {request.isPending ? 'Requesting…' : 'Request export'}
          </button>
          <span className="muted">{describeFilters(exportFilters(filters))}</span>
        </div>
      </form>

      <Card id="export-history" title="Recent exports">
        <ErrorMessage error={exports.error} />
        {exports.isPending ? (
          <Loading label="Loading exports…" />
        ) : (
          <DataTable
            caption="Exports, newest first"
            columns={['Requested', 'By', 'Users', 'Kind', 'Columns', 'Status', { label: 'Rows', className: 'numeric' }, 'File']}
            empty={exports.data?.results.length === 0 && 'No exports yet.'}
          >
            {(exports.data?.results ?? []).map((job) => (
              <tr key={job.id}>
                <td title={formatDateTime(job.created_at)}>{formatShortDateTime(job.created_at)}</td>
                <ClipCell>{job.created_by?.name || job.created_by?.email || '—'}</ClipCell>
                <ClipCell>{describeFilters(job.filters)}</ClipCell>
                <td className="cell-wrap">{describeKind(job)}</td>
                <td title={job.columns.join(', ')}>{job.columns.length}</td>
                <td>
                  <Badge value={job.status} />
                </td>
                <td className="numeric">{job.row_count === null ? '—' : formatNumber(job.row_count)}</td>
                <td className="cell-wrap">
                  <ExportStatus job={job} email={me.operator.email} appId={appId} mayRevoke={can('exports.revoke')} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </>
  );
}
