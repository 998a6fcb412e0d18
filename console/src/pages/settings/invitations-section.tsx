import { useRevokeInvitation, useInvitations, type Invitation } from '../../api/settings.ts';
import type { Role } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { ClipCell, ConfirmButton, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { roleLabels } from '../../shared/columns.ts';
import { formatDate } from '../../shared/format.ts';

function InvitationRow({ invitation, mayRevoke }: { invitation: Invitation; mayRevoke: boolean }) {
  const revoke = useRevokeInvitation();
  return (
    <tr>
      <ClipCell>{invitation.email}</ClipCell>
      <td>{roleLabels[invitation.role]}</td>
      <ClipCell>{invitation.invited_by?.email ?? '—'}</ClipCell>
      <td>{formatDate(invitation.expires_at)}</td>
      <td>
        {mayRevoke && (
          <ConfirmButton label="Revoke" confirmLabel={`Revoke the invitation of ${invitation.email}`} disabled={revoke.isPending} onConfirm={() => revoke.mutate(invitation.id)} />
        )}
        <ErrorMessage error={revoke.error} />
      </td>
    </tr>
  );
}

/** Pending invitations, each revocable by whoever could have sent it (an ADMIN not OWNER ones). */
export function InvitationsSection({ canManage }: { canManage: (target: Role) => boolean }) {
  const invitations = useInvitations();
  const pending = invitations.data?.results.filter((invitation) => invitation.status === 'pending') ?? [];
  return (
    <>
      <h3>Pending invitations</h3>
      <p className="muted">A link stops working once revoked, and when the member who sent it is removed or may no longer invite to that role.</p>
      <ErrorMessage error={invitations.error} />
      {invitations.isPending ? (
        <Loading label="Loading invitations…" />
      ) : pending.length === 0 ? (
        <p className="muted">No pending invitations.</p>
      ) : (
        <DataTable caption="Pending invitations" columns={['Email', 'Role', 'Invited by', 'Expires', { label: 'Actions', hidden: true }]}>
          {pending.map((invitation) => (
            <InvitationRow key={invitation.id} invitation={invitation} mayRevoke={canManage(invitation.role)} />
          ))}
        </DataTable>
      )}
    </>
  );
}
