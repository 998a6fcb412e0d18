import { type AccessPackage, useLatestAccessPackage, useRequestAccessPackage } from '../../api/privacy.ts';
import { Badge, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { formatDateTime, formatNumber } from '../../shared/format.ts';

/**
 * The user page's "Access package" action (docs/privacy.md#subject-access): builds a ZIP of everything
 * Roster holds about the person, shows its progress, then the download link (also emailed).
 */
export function AccessPackageAction({ appId, userId }: { appId: string; userId: string }) {
  const latest = useLatestAccessPackage(appId, userId, true);
  const request = useRequestAccessPackage(appId, userId);
  if (latest.isPending) return <Loading label="Loading access packages…" />;
  const current = latest.data ?? undefined;
  const busy = request.isPending || current?.status === 'queued' || current?.status === 'running';
  return (
    <div className="form-stack">
      <p>
        Answers a subject-access request: a ZIP with the person&apos;s record, its history, sessions, face images, who received their data and the record of
        processing. You get the download link by email too; it works for a limited time.
      </p>
      {current && <PackageStatus item={current} />}
      <ErrorMessage error={request.error ?? latest.error} />
      <div>
        <button type="button" className="button-secondary" disabled={busy} onClick={() => request.mutate()}>
          {busy ? 'Building the package…' : current ? 'Build a new access package' : 'Build the access package'}
        </button>
      </div>
    </div>
  );
}

function PackageStatus({ item }: { item: AccessPackage }) {
  return (
    <div role="status">
      <p>
        Requested by {item.requested_by.email} on {formatDateTime(item.created_at)}: <Badge value={item.status} />
      </p>
      {item.download_url && (
        <p>
          <a href={item.download_url}>Download the ZIP</a> ({formatNumber(item.bytes ?? 0)} bytes, {item.files?.length ?? 0} files), until {formatDateTime(item.expires_at!)}.
        </p>
      )}
      {item.status === 'expired' && <p className="muted">Its link expired and the file was deleted; build a new one if needed.</p>}
      {item.error && <p className="notice notice-error">{item.error}</p>}
    </div>
  );
}
