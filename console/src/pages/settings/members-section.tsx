import { type FormEvent, useId, useState } from 'react';
import { useAddOperator, useChangeOperator, useOperators, useRemoveOperator } from '../../api/settings.ts';
import type { Operator, Role } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { ClipCell, ConfirmButton, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { InvitationsSection } from './invitations-section.tsx';
import { ResetPasswordButton } from './password-section.tsx';
import { roleLabels, roles } from '../../shared/columns.ts';
import { formatDate } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { Card } from '../../components/layout.tsx';

/** Mirrors canManageOperator in policy.ts: OWNER manages all, ADMIN all but OWNERs. */
function canManage(actor: Role, target: Role): boolean {
  if (actor === 'OWNER') return true;
  return actor === 'ADMIN' && target !== 'OWNER';
}

function AddMemberForm({ assignable }: { assignable: Role[] }) {
  const id = useId();
  const add = useAddOperator();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('READER');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(
      { email: email.trim(), name: name.trim() || undefined, role },
      {
        onSuccess: () => {
          setEmail('');
          setName('');
        },
      },
    );
  };

  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add a member">
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input id={`${id}-email`} type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(event) => setName(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>Role</label>
        <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {assignable.map((option) => (
            <option key={option} value={option}>
              {roleLabels[option]}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-action">
        <button type="submit" className="button-primary" disabled={add.isPending}>
          {add.isPending ? 'Sending…' : 'Send invitation'}
        </button>
      </div>
      <ErrorMessage error={add.error} />
      {add.data && (
        <div className="notice notice-success" role="status">
          Invitation sent to {add.data.email}. {add.data.message}
        </div>
      )}
    </form>
  );
}

function MemberRow({ operator, actorRole, isSelf, assignable }: { operator: Operator; actorRole: Role; isSelf: boolean; assignable: Role[] }) {
  const change = useChangeOperator();
  const remove = useRemoveOperator();
  const roleId = useId();
  const manageable = canManage(actorRole, operator.role) && !isSelf;
  return (
    <tr>
      <td className="cell-strong">
        {operator.name || operator.email}
        {isSelf && <span className="muted"> (you)</span>}
      </td>
      <ClipCell>{operator.email}</ClipCell>
      <td>
        <label htmlFor={roleId} className="visually-hidden">
          Role of {operator.email}
        </label>
        <select
          id={roleId}
          value={operator.role}
          disabled={!manageable || change.isPending}
          onChange={(event) => change.mutate({ id: operator.id, role: event.target.value as Role })}
        >
          {(manageable ? assignable : [operator.role]).map((option) => (
            <option key={option} value={option}>
              {roleLabels[option]}
            </option>
          ))}
        </select>
        <ErrorMessage error={change.error} />
      </td>
      <td>{formatDate(operator.created_at)}</td>
      <td>
        {manageable && <ConfirmButton label="Remove" confirmLabel={`Remove ${operator.email}`} disabled={remove.isPending} onConfirm={() => remove.mutate(operator.id)} />}
        {actorRole === 'OWNER' && !isSelf && <ResetPasswordButton operatorId={operator.id} email={operator.email} />}
        <ErrorMessage error={remove.error} />
      </td>
    </tr>
  );
}

export function MembersSection() {
  const { me } = useSession();
  const operators = useOperators();
  const actorRole = me.operator.role;
  const assignable = roles.filter((role) => canManage(actorRole, role));

  return (
    <Card id="members" title="Members">
      <p className="muted">
        {actorRole === 'OWNER' ? 'As an owner you manage every member.' : 'As an admin you manage every member except owners.'} Removing a member ends
        their sessions and tokens. A new member gets an email with a link to choose their password and appears here once they
        have; an address that already has a Roster account gets an email saying so instead, and this page cannot tell which.
      </p>
      <AddMemberForm assignable={assignable} />
      <ErrorMessage error={operators.error} />
      {operators.isPending ? (
        <Loading label="Loading members…" />
      ) : (
        <DataTable caption="Members of the organization" columns={['Name', 'Email', 'Role', 'Added', { label: 'Actions', hidden: true }]}>
            {operators.data?.results.map((operator) => (
              <MemberRow key={operator.id} operator={operator} actorRole={actorRole} isSelf={operator.id === me.operator.id} assignable={assignable} />
            ))}
        </DataTable>
      )}
      <InvitationsSection canManage={(target) => canManage(actorRole, target)} />
    </Card>
  );
}
