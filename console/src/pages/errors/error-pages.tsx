import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { PageHeader } from '../../components/layout.tsx';
import { roleLabels } from '../../shared/columns.ts';
import { useSession } from '../../shared/session.tsx';

/** A page that explains, in words, why the console shows nothing else here, and the way back. */
function ExplainingPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <PageHeader title={title} />
      <div className="card">
        <p>{children}</p>
        <p>
          <Link to="/">Go to the overview</Link> or choose a page from the menu.
        </p>
      </div>
    </>
  );
}

/** A console address that names no page: said so, instead of quietly showing another page. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <ExplainingPage title="Page not found">
      The console has no page at <code className="break">{pathname}</code>. The link may be mistyped, or the page may have moved.
    </ExplainingPage>
  );
}

/** A page the operator's role may not open: why, and who can change it. Rendered instead of the page, so none of its requests is sent. */
export function ForbiddenPage({ purpose }: { purpose: string }) {
  const { me } = useSession();
  return (
    <ExplainingPage title="Not available to your role">
      Your role, {roleLabels[me.operator.role]}, may not {purpose}. If you need to, ask an owner or admin of {me.organization.name} for a role that may.
    </ExplainingPage>
  );
}
