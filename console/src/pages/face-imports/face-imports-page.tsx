import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { type FaceImport, faceReportUrl, isFaceImportMoving, uploadFaceZip, useCancelFaceImport, useFaceImports } from '../../api/face-imports.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Badge, ClipCell, ConfirmButton, ErrorMessage, ProgressBar } from '../../components/feedback.tsx';
import { Card, PageHeader } from '../../components/layout.tsx';
import { PagedQuery, useCursorPager } from '../../components/pager.tsx';
import { formatDateTime, formatNumber, formatShortDateTime } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { ImportTabs } from '../imports/import-tabs.tsx';

function Outcome({ item }: { item: FaceImport }) {
  if (item.status === 'failed' && item.error) return <span className="text-bad">{item.error.message}</span>;
  if (item.status === 'queued') return <span className="muted">waiting for a worker…</span>;
  if (item.status === 'cancelled') {
    return <span className="muted">Cancelled; {formatNumber(item.added)} face(s) added before stay.</span>;
  }
  return (
    <span>
      {formatNumber(item.added)} added · {formatNumber(item.skipped)} skipped{item.failed > 0 ? ` · ${formatNumber(item.failed)} unreadable` : ''} of{' '}
      {formatNumber(item.total)}
    </span>
  );
}

function CancelFaceImport({ appId, item }: { appId: string; item: FaceImport }) {
  const cancel = useCancelFaceImport(appId);
  return (
    <>
      <ConfirmButton label="Cancel" confirmLabel="Cancel: stop before the next entry" disabled={cancel.isPending} onConfirm={() => cancel.mutate(item.id)} />
      <ErrorMessage error={cancel.error} />
    </>
  );
}

/** Bulk faces: upload a ZIP of VENDOR_DATA.jpg images (or with a manifest.csv), follow it, read its report. */
export function FaceImportsPage() {
  const { appId, can } = useSession();
  const queryClient = useQueryClient();
  const pager = useCursorPager();
  const faceImports = useFaceImports(appId, pager.cursor, can('imports.manage'));
  const [file, setFile] = useState<File | null>(null);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const rows = faceImports.data?.results ?? [];

  const send = async () => {
    if (!file) return;
    setError(null);
    setUploaded(0);
    try {
      await uploadFaceZip(appId, file, setUploaded);
      setFile(null);
      await queryClient.invalidateQueries({ queryKey: ['face-imports', appId] });
    } catch (caught) {
      setError(caught);
    } finally {
      setUploaded(null);
    }
  };

  return (
    <>
      <PageHeader title="Import faces" />
      <ImportTabs />
      <Card id="faces-upload" title="Upload a ZIP of face images">
        <p className="muted">
          Name each image after its user (<code>VENDOR_DATA.jpg</code>, <code>.jpeg</code> or <code>.png</code>, in any folder), or add a{' '}
          <code>manifest.csv</code> with the columns <code>vendor_data,file</code>. JPEG or PNG, at most 2 MB and 5 faces a user; an image a user
          already has is skipped as a duplicate.
        </p>
        <label className="button-secondary file-label">
          {file ? file.name : 'Pick a ZIP…'}
          <input type="file" accept=".zip,application/zip" className="visually-hidden" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        </label>{' '}
        <button type="button" className="button-primary" disabled={!file || uploaded !== null} onClick={() => void send()}>
          Upload ZIP
        </button>
        {uploaded !== null && <ProgressBar value={Math.round(uploaded * 100)} max={100} label="Upload progress" />}
        <ErrorMessage error={error} title="The ZIP was not accepted" />
      </Card>
      <PagedQuery query={faceImports} pager={pager} loadingLabel="Loading face imports…">
        <DataTable
          caption="Face imports, newest first"
          columns={['ZIP', 'By', 'When', 'Status', 'Entries', { label: 'Links', hidden: true }]}
          empty={rows.length === 0 && !faceImports.error && 'No face imports yet.'}
        >
          {rows.map((item) => (
            <tr key={item.id}>
              <ClipCell strong>{item.file_name}</ClipCell>
              <ClipCell>{item.created_by.name || item.created_by.email}</ClipCell>
              <td title={formatDateTime(item.created_at)}>{formatShortDateTime(item.created_at)}</td>
              <td>
                <Badge value={item.status} />
                {isFaceImportMoving(item) && <ProgressBar value={item.processed} max={Math.max(item.total, 1)} label={`Progress of ${item.file_name}`} />}
              </td>
              <td className="cell-wrap">
                <Outcome item={item} />
              </td>
              <td className="cell-links">
                {isFaceImportMoving(item) && <CancelFaceImport appId={appId} item={item} />}
                {item.processed > 0 && (
                  <a href={faceReportUrl(appId, item.id)} download>
                    Report
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
