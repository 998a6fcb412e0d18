import { useEffect, useId, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useSignOut } from '../api/session.ts';
import { type ConsolePage, mayOpen } from '../shared/console-page.ts';
import type { Permission } from '../api/types.ts';
import { roleLabels } from '../shared/columns.ts';
import { useSession } from '../shared/session.tsx';

/** The pages of the main navigation the role may open, in their declared order (console-pages.tsx). */
export function visibleNavItems(pages: ConsolePage[], can: (permission: Permission) => boolean): { to: string; label: string; end: boolean }[] {
  const navPages = pages.filter((page) => page.nav !== undefined);
  return navPages
    .filter((page) => mayOpen(page, can))
    .map((page) => ({
      to: page.path,
      label: page.nav!,
      // Highlighted on its own pages too (/users/…), unless another navigation entry lives below it (/imports/new under /imports).
      end: page.path === '/' || navPages.some((other) => other.path.startsWith(`${page.path}/`)),
    }));
}

function AppSwitcher() {
  const { me, appId, selectApp } = useSession();
  const navigate = useNavigate();
  const id = useId();
  if (me.applications.length === 1) return <span className="app-name">{me.applications[0].name}</span>;
  return (
    <span className="app-switcher">
      <label htmlFor={id}>Application</label>
      <select
        id={id}
        value={appId}
        onChange={(event) => {
          selectApp(event.target.value);
          // Pages below an application (a user, an import) belong to the one just left.
          navigate('/users');
        }}
      >
        {me.applications.map((application) => (
          <option key={application.id} value={application.id}>
            {application.name}
          </option>
        ))}
      </select>
    </span>
  );
}

/** After moving to another page, keyboard and screen-reader users start at its content, not at the top bar. */
function useFocusContentOnNavigation() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: false });
  }, [pathname]);
  return main;
}

export function Layout({ pages }: { pages: ConsolePage[] }) {
  const { me, can } = useSession();
  const signOut = useSignOut();
  const main = useFocusContentOnNavigation();
  const { pathname } = useLocation();
  // On a phone the navigation folds behind a Menu button; following a link folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [pathname]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="menu-button button-secondary" aria-expanded={menuOpen} aria-controls="main-navigation" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <span className="brand">Roster</span>
        <span className="org-name" title="Organization">
          {me.organization.name}
        </span>
        <AppSwitcher />
        <span className="spacer" />
        <span className="operator">
          <span className="visually-hidden">Signed in as </span>
          <span className="operator-name">{me.operator.name || me.operator.email}</span>
          <span className="role-badge">{roleLabels[me.operator.role]}</span>
        </span>
        <button type="button" className="button-secondary" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          Sign out
        </button>
      </header>
      <nav id="main-navigation" className={menuOpen ? 'sidebar sidebar-open' : 'sidebar'} aria-label="Main">
        <ul>
          {visibleNavItems(pages, can).map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.end}>
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </div>
  );
}

/** A titled card; the heading names the section for screen readers (`aria-labelledby`). */
export function Card({ id, title, children }: { id: string; title: string; children?: React.ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
