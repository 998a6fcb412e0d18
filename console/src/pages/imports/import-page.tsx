import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api } from '../../api/client.ts';
import { errorReportUrl, importStatusLabel, useCancelImport, useDiscardImport, useImport } from '../../api/imports.ts';
import type { ImportJob } from '../../api/types.ts';
import { Badge, ErrorMessage, Loading, ProgressBar } from '../../components/feedback.tsx';
import { Card, PageHeader } from '../../components/layout.tsx';
import { countOf, formatBytes, formatDateTime, formatNumber } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { PreviewCounts, ResultCounts } from './import-counts.tsx';
import { FixesPanel } from './fixes-panel.tsx';
import { DiffSummary, RevertPanel, StartImportForm } from './import-ledger.tsx';
import { ImportRowsTable } from './import-rows-table.tsx';
import { MappingStep } from './mapping-step.tsx';
import { WizardSteps } from './wizard-steps.tsx';
import { RemovalWarning, WriteOptionsPanel } from './write-options-panel.tsx';

/**
 * An import link opened while another application is selected: look for the import in the
 * organization's other applications and switch to the one that has it.
 */
function useFindImportElsewhere(importId: string, notFoundHere: boolean) {
  const { me, appId, selectApp } = useSession();
  const [searched, setSearched] = useState(false);
  useEffect(() => {
    if (!notFoundHere || searched) return;
    setSearched(true);
    const others = me.applications.filter((application) => application.id !== appId);
    void (async () => {
      for (const other of others) {
        const found = await api<ImportJob>(`/apps/${other.id}/imports/${importId}`).catch(() => null);
        if (found) return selectApp(other.id);
      }
    })();
  }, [notFoundHere, searched, me.applications, appId, importId, selectApp]);
}

function CancelButton({ job, appId, label }: { job: ImportJob; appId: string; label: string }) {
  const cancel = useCancelImport(appId, job.id);
  return (
    <>
      <ErrorMessage error={cancel.error} />
      <div className="actions">
        <button type="button" className="button-danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
          {cancel.isPending ? 'Cancelling…' : label}
        </button>
      </div>
    </>
  );
}

/** "No" to a preview (docs/imports.md#discard): nothing was applied; the file and its rows are deleted. */
function DiscardButton({ job, appId }: { job: ImportJob; appId: string }) {
  const discard = useDiscardImport(appId, job.id);
  return (
    <>
      <ErrorMessage error={discard.error} title="The import was not discarded." />
      <button type="button" className="button-secondary" disabled={discard.isPending} onClick={() => discard.mutate()}>
        {discard.isPending ? 'Discarding…' : 'Discard this import'}
      </button>
    </>
  );
}

function Validating({ job, appId }: { job: ImportJob; appId: string }) {
  return (
    <Card id="checking" title="Checking the file">
      <Loading label={`Checking every row… ${countOf(job.total_rows, 'row')} checked so far`} />
      {job.file_bytes ? <p className="muted">The file is {formatBytes(job.file_bytes)}; the count above grows until every row is checked.</p> : null}
      <p className="hint">Nothing has changed yet. You can close this page; the check goes on and this link shows it.</p>
      <CancelButton job={job} appId={appId} label="Stop checking" />
    </Card>
  );
}

// Removals have their own warning above Start (write-options-panel.tsx).
const shownApart = new Set(['removes_metadata_keys', 'removes_tags']);

function Warnings({ warnings: all }: { warnings: ImportJob['warnings'] }) {
  const warnings = all?.filter((warning) => typeof warning === 'string' || !shownApart.has(warning.code));
  if (!warnings?.length) return null;
  return (
    <div className="notice notice-warn" role="note">
      <strong>Warnings</strong>
      <ul>
        {warnings.map((warning, index) => (
          <li key={index}>{typeof warning === 'string' ? warning : warning.message}</li>
        ))}
      </ul>
    </div>
  );
}

function Preview({ job, appId }: { job: ImportJob; appId: string }) {
  return (
    <Card id="preview" title="Preview">
      <PreviewCounts job={job} />
      <DiffSummary job={job} />
      <Warnings warnings={job.warnings} />
      {job.invalid_rows > 0 && (
        <p>
          {formatNumber(job.invalid_rows)} invalid {job.invalid_rows === 1 ? 'row is' : 'rows are'} skipped when the import runs. Fix them in the file and
          upload it again, or start now and fix them later.
        </p>
      )}
      {(job.cells_cleared ?? 0) > 0 && (
        <p>
          {formatNumber(job.cells_cleared!)} {job.cells_cleared === 1 ? 'row is' : 'rows are'} imported without {job.cells_cleared === 1 ? 'its' : 'their'} invalid optional cells; each
          cleared cell is shown in its row and listed in the error report.
        </p>
      )}
      <WriteOptionsPanel job={job} appId={appId} />
      <RemovalWarning removals={job.removals} />
      <StartImportForm job={job} appId={appId} />
      <div className="actions">
        {(job.invalid_rows > 0 || (job.cells_cleared ?? 0) > 0) && (
          <a className="button-secondary" href={errorReportUrl(appId, job.id)} download>
            Download error report
          </a>
        )}
        <DiscardButton job={job} appId={appId} />
        <Link to="/imports/new" className="button-link">
          Upload another file
        </Link>
      </div>
    </Card>
  );
}

function Running({ job, appId }: { job: ImportJob; appId: string }) {
  return (
    <section className="card" aria-labelledby="running-title">
      <h2 id="running-title">{job.status === 'queued' ? 'Waiting to start' : 'Importing'}</h2>
      <ProgressBar value={job.processed_rows} max={job.total_rows} label="Import progress" />
      <p aria-live="polite">
        {formatNumber(job.processed_rows)} of {countOf(job.total_rows, 'row')} processed
      </p>
      <ResultCounts job={job} />
      <p className="hint">The import runs on the server: closing this page does not stop it, and this link shows its progress.</p>
      <CancelButton job={job} appId={appId} label="Cancel import" />
    </section>
  );
}

function Finished({ job, appId }: { job: ImportJob; appId: string }) {
  const unreadable = job.status === 'failed' && !job.started_at;
  const discarded = job.status === 'cancelled' && job.error?.code === 'discarded';
  const headline = unreadable
    ? 'The file could not be read'
    : discarded
      ? 'Import discarded'
    : { completed: 'Import completed', failed: 'Import failed', cancelled: 'Import cancelled' }[job.status as 'completed' | 'failed' | 'cancelled'];
  return (
    <section className="card" aria-labelledby="result-title">
      <h2 id="result-title">{headline}</h2>
      {job.error && !discarded && (
        <div className="notice notice-error" role="alert">
          {job.error.message}
          {job.error.line ? ` (line ${job.error.line})` : ''}
        </div>
      )}
      {unreadable && <p>Nothing was changed. Fix the file and upload it again.</p>}
      {discarded && <p>Nothing was changed. The file and its checked rows are deleted.</p>}
      {!unreadable && !discarded && <RevertPanel job={job} appId={appId} />}
      {job.started_at && (
        <>
          <ResultCounts job={job} />
          <p className="muted">
            {formatNumber(job.processed_rows)} of {countOf(job.total_rows, 'row')} processed
            {job.finished_at ? ` · finished ${formatDateTime(job.finished_at)}` : ''}
          </p>
        </>
      )}
      <div className="actions">
        {job.invalid_rows > 0 && (
          <a className="button-secondary" href={errorReportUrl(appId, job.id)} download>
            Download error report
          </a>
        )}
        {!unreadable && !discarded && (
          <Link to="/users" className="button-secondary">
            See the users
          </Link>
        )}
        <Link to="/imports/new" className="button-link">
          Import another file
        </Link>
      </div>
    </section>
  );
}

export function ImportPage() {
  const { importId = '' } = useParams();
  const { appId, can } = useSession();
  const query = useImport(appId, importId, can('imports.manage'));
  const notFoundHere = query.error instanceof ApiError && query.error.status === 404;
  useFindImportElsewhere(importId, notFoundHere);

  const job = query.data;
  // No rows to show: a file that could not be read, or one discarded (its rows are deleted).
  const fileUnreadable = (job?.status === 'failed' && !job.started_at) || job?.error?.code === 'discarded';

  return (
    <>
      <p className="breadcrumb">
        <Link to="/imports">← Import history</Link>
      </p>
      {query.isPending && <Loading label="Loading the import…" />}
      <ErrorMessage error={query.error} />
      {job && (
        <>
          <PageHeader title={job.file_name}>
            <Badge value={importStatusLabel(job)} />
          </PageHeader>
          <p className="muted">
            Uploaded by {job.created_by?.name || job.created_by?.email || 'someone'} · {formatDateTime(job.created_at)}
          </p>
          <WizardSteps status={job.status} />
          {job.status === 'validating' && <Validating job={job} appId={appId} />}
          {job.status === 'needs_mapping' && <MappingStep key={job.validated_at ?? job.id} job={job} appId={appId} />}
          {job.status === 'needs_mapping' && (
            <div className="actions">
              <DiscardButton job={job} appId={appId} />
            </div>
          )}
          {job.status === 'ready' && <Preview job={job} appId={appId} />}
          {job.status === 'ready' && <FixesPanel job={job} appId={appId} />}
          {job.status === 'ready' && (job.columns?.length ?? 0) > 0 && (
            <details className="mapping-details">
              <summary>
                Columns: {job.columns!.filter((column) => column.field).length} imported, {job.columns!.filter((column) => !column.field).length} left out. Change the mapping…
              </summary>
              <MappingStep key={job.validated_at ?? job.id} job={job} appId={appId} />
            </details>
          )}
          {(job.status === 'queued' || job.status === 'running') && <Running job={job} appId={appId} />}
          {(job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') && <Finished job={job} appId={appId} />}
          {job.status !== 'validating' && job.status !== 'needs_mapping' && !fileUnreadable && (
            <ImportRowsTable
              appId={appId}
              importId={job.id}
              job={job}
              fileColumns={job.columns?.map((column) => column.source)}
              fieldSources={Object.fromEntries((job.columns ?? []).filter((column) => column.field).map((column) => [column.field!, column.source]))}
              editable={job.status === 'ready'}
            />
          )}
        </>
      )}
    </>
  );
}
