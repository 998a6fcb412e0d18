import { Link, useLocation, useParams } from 'react-router-dom';
import type { User } from '../../api/types.ts';
import { useUser } from '../../api/users.ts';
import { UserHistory } from './user-history.tsx';
import { Badge, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { Card, PageHeader } from '../../components/layout.tsx';
import { formatDate, formatDateTime, formatNumber } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { StatusChangeForm } from './status-change-form.tsx';
import { HiddenForRole, personal } from '../../shared/redaction.tsx';
import { DeleteUser, UserEditForm } from './user-edit-form.tsx';
import { useUserErasure } from '../../api/erasure.ts';
import { EraseUserForm, ErasureStatus } from './erase-user.tsx';
import { AccessPackageAction } from './access-package.tsx';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="details-item">
      <dt>{label}</dt>
      <dd>{children ?? <span className="muted">—</span>}</dd>
    </div>
  );
}

function Profile({ user }: { user: User }) {
  return (
    <dl className="details-list details-columns">
      <Field label="Vendor data">
        <span className="break">{user.vendor_data}</span>
      </Field>
      <Field label="Roster id">
        <code>{user.didit_internal_id}</code>
      </Field>
      <Field label="Name shown">{personal(user, 'effective_name', user.effective_name)}</Field>
      <Field label="Display name">{personal(user, 'display_name', user.display_name)}</Field>
      {/* "(verified)" only when an approved session set them: before that they are plain, editable fields. */}
      <Field label={user.verified_at ? 'Full name (verified)' : 'Full name'}>{personal(user, 'full_name', user.full_name)}</Field>
      <Field label={user.verified_at ? 'Date of birth (verified)' : 'Date of birth'}>{personal(user, 'date_of_birth', user.date_of_birth)}</Field>
      <Field label="Verified">{user.verified_at ? formatDateTime(user.verified_at) : <span className="muted">Not verified yet</span>}</Field>
      <Field label="Email">{personal(user, 'email', user.email)}</Field>
      <Field label="Phone">{personal(user, 'phone', user.phone)}</Field>
      <Field label="Country">{user.country}</Field>
      <Field label="Status">
        <Badge value={user.status} />
      </Field>
      <Field label="Tags">
        {user.tags.length ? (
          user.tags.map((tag) => (
            <span key={tag} className="tag">
              {tag}
            </span>
          ))
        ) : (
          <span className="muted">none</span>
        )}
      </Field>
      <Field label="Created">{formatDateTime(user.created_at)}</Field>
      <Field label="Updated">{formatDateTime(user.updated_at)}</Field>
    </dl>
  );
}

function Counters({ user }: { user: User }) {
  const counters: [string, number][] = [
    ['Sessions', user.session_count],
    ['Approved', user.approved_count],
    ['Declined', user.declined_count],
    ['In review', user.in_review_count],
  ];
  return (
    <>
      <ul className="stats" aria-label="Verification sessions">
        {counters.map(([label, value]) => (
          <li key={label} className="stat">
            <span className="stat-value">{formatNumber(value)}</span>
            <span className="stat-label">{label}</span>
          </li>
        ))}
      </ul>
      <dl className="details-list details-columns">
        <Field label="First session">{formatDateTime(user.first_session_at)}</Field>
        <Field label="Last session">{formatDateTime(user.last_session_at)}</Field>
        <Field label="Last activity">{formatDateTime(user.last_activity_at)}</Field>
      </dl>
    </>
  );
}

export function UserPage() {
  const { userId = '' } = useParams();
  const location = useLocation();
  const { appId, can } = useSession();
  const erasure = useUserErasure(appId, userId, can('users.erase'));
  // Once erased the user is gone (404): the erasure's card says so, and the user is not asked for.
  const erased = erasure.data ?? null;
  const user = useUser(appId, userId, !can('users.erase') || (erasure.isFetched && erased?.status !== 'completed'));
  const back = (location.state as { back?: string } | null)?.back ?? '/users';

  return (
    <>
      <p className="breadcrumb">
        <Link to={back}>← Users</Link>
      </p>
      {user.isPending && erased?.status !== 'completed' && <Loading label="Loading user…" />}
      {!erased && <ErrorMessage error={user.error} />}
      {erased?.status === 'completed' && (
        <>
          <PageHeader title={`Erased user ${erased.vendor_data}`} />
          <section className="card" aria-labelledby="erasure-title">
            <h2 id="erasure-title">Erasure</h2>
            <ErasureStatus appId={appId} erasure={erased} />
          </section>
        </>
      )}
      {user.data && erased?.status !== 'completed' && (
        <>
          <PageHeader title={user.data.effective_name || user.data.vendor_data}>
            <Badge value={user.data.status} />
          </PageHeader>
          <div className="grid-2">
            <Card id="profile" title="Profile">
              <Profile user={user.data} />
              <h3>Metadata</h3>
              {user.data.redacted?.includes('metadata') ? (
                <p>
                  <HiddenForRole />
                </p>
              ) : user.data.metadata && Object.keys(user.data.metadata).length > 0 ? (
                <pre className="json">{JSON.stringify(user.data.metadata, null, 2)}</pre>
              ) : (
                <p className="muted">No metadata</p>
              )}
            </Card>
            <div className="stack">
              <Card id="sessions" title="Verification">
                <Counters user={user.data} />
              </Card>
              <Card id="faces" title="Faces">
                {user.data.faces.length === 0 ? (
                  <p className="muted">No face images uploaded.</p>
                ) : (
                  <ul className="faces">
                    {user.data.faces.map((face) => (
                      <li key={face.uuid}>
                        {face.image_url ? (
                          <a href={face.image_url} target="_blank" rel="noreferrer">
                            <img src={face.image_url} alt={face.comment ? `Face: ${face.comment}` : `Face uploaded ${formatDate(face.created_at)}`} loading="lazy" />
                          </a>
                        ) : (
                          <span className="face-hidden">
                            Image <HiddenForRole />
                          </span>
                        )}
                        <span className="face-caption">
                          {face.comment ?? 'No comment'} · {formatDate(face.created_at)}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </Card>
              {can('users.write') && (
                <Card id="status" title="Change status">
                  <StatusChangeForm appId={appId} user={user.data} />
                </Card>
              )}
              {can('privacy.access_packages') && (
                <Card id="access-package" title="Access package">
                  <AccessPackageAction appId={appId} userId={user.data.didit_internal_id} />
                </Card>
              )}
              {can('users.erase') && (
                <section className="card" aria-labelledby="erase-title">
                  <h2 id="erase-title">Erase</h2>
                  {erased ? <ErasureStatus appId={appId} erasure={erased} /> : <EraseUserForm appId={appId} userId={user.data.didit_internal_id} vendorData={user.data.vendor_data} />}
                </section>
              )}
              {can('users.write') && (
                <Card id="delete" title="Delete">
                  <DeleteUser appId={appId} user={user.data} />
                </Card>
              )}
            </div>
          </div>
          {can('users.write') && (
            <Card id="edit" title="Edit details">
              <UserEditForm appId={appId} user={user.data} />
            </Card>
          )}
          {can('audit.read') && (
            <Card id="history" title="History">
              <UserHistory userId={user.data.didit_internal_id} />
            </Card>
          )}
        </>
      )}
    </>
  );
}
