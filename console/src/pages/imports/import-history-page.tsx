import { Link } from 'react-router-dom';
import { errorReportUrl, importStatusLabel, useImports } from '../../api/imports.ts';
import type { ImportJob } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Badge, ClipCell, ProgressBar } from '../../components/feedback.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { PagedQuery, useCursorPager } from '../../components/pager.tsx';
import { countOf, formatDateTime, formatNumber, formatShortDateTime } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { ImportTabs } from './import-tabs.tsx';

function Counts({ job }: { job: ImportJob }) {
  if (job.status === 'validating') return <span className="muted">checking…</span>;
  if (job.status === 'failed' && !job.started_at) return <span className="text-bad">{job.error?.message ?? 'The file could not be read'}</span>;
  if (job.started_at) {
    return (
      <span>
        {formatNumber(job.created)} created · {formatNumber(job.updated)} updated · {formatNumber(job.unchanged)} unchanged · {formatNumber(job.skipped)}{' '}
        skipped
      </span>
    );
  }
  return (
    <span>
      {countOf(job.total_rows, 'row')} · {formatNumber(job.valid_rows)} valid · {formatNumber(job.invalid_rows)} invalid
    </span>
  );
}

export function ImportHistoryPage() {
  const { appId, can } = useSession();
  const pager = useCursorPager();
  const imports = useImports(appId, pager.cursor, can('imports.manage'));
  const rows = imports.data?.results ?? [];

  return (
    <>
      <PageHeader title="Import history">
        <Link to="/imports/new" className="button-primary">
          New import
        </Link>
      </PageHeader>
      <ImportTabs />
      <PagedQuery query={imports} pager={pager} loadingLabel="Loading imports…">
        <DataTable
          caption="Imports, newest first"
          columns={['File', 'By', 'When', 'Status', 'Rows', { label: 'Links', hidden: true }]}
          empty={rows.length === 0 && !imports.error && 'No imports yet.'}
        >
          {rows.map((job) => (
            <tr key={job.id}>
              <ClipCell strong>
                <Link to={`/imports/${job.id}`}>{job.file_name}</Link>
              </ClipCell>
              <ClipCell>{job.created_by?.name || job.created_by?.email || '—'}</ClipCell>
              <td title={formatDateTime(job.created_at)}>{formatShortDateTime(job.created_at)}</td>
              <td>
                <Badge value={importStatusLabel(job)} />
                {(job.status === 'running' || job.status === 'queued') && (
                  <ProgressBar value={job.processed_rows} max={job.total_rows} label={`Progress of ${job.file_name}`} />
                )}
              </td>
              <td className="cell-wrap">
                <Counts job={job} />
              </td>
              <td className="cell-links">
                <Link to={`/imports/${job.id}`}>{job.status === 'ready' ? 'Preview' : 'Open'}</Link>
                {job.invalid_rows > 0 && (
                  <a href={errorReportUrl(appId, job.id)} download>
                    Error report
                  </a>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </PagedQuery>
    </>
  );
}
