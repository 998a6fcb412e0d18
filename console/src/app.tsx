import { useEffect } from 'react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { consolePages, pageAt } from './console-pages.tsx';
import { type ConsolePage, mayOpen } from './shared/console-page.ts';
import { ErrorMessage, Loading } from './components/feedback.tsx';
import { Layout } from './components/layout.tsx';
import { ForbiddenPage, NotFoundPage } from './pages/errors/error-pages.tsx';
import { InvitationPage } from './pages/invitation/invitation-page.tsx';
import { ResetPasswordPage } from './pages/sign-in/reset-password-page.tsx';
import { SignInPage } from './pages/sign-in/sign-in-page.tsx';
import { SessionProvider, useSession } from './shared/session.tsx';

/** Each page gets its own document title, so history and tabs say where they lead. */
function useDocumentTitle() {
  const { pathname } = useLocation();
  useEffect(() => {
    const page = pageAt(pathname);
    document.title = page ? `${page.title} · Roster` : 'Roster';
  }, [pathname]);
}

/** The page, or why the role may not open it: the page itself (and its requests) never starts then. */
function Guarded({ page }: { page: ConsolePage }) {
  const { can } = useSession();
  return mayOpen(page, can) ? <>{page.element}</> : <ForbiddenPage purpose={page.purpose} />;
}

function SessionFailed({ error, retry }: { error: unknown; retry(): void }) {
  return (
    <div className="center-page">
      <ErrorMessage error={error} title="The console could not load." />
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

export function App() {
  useDocumentTitle();
  const { pathname } = useLocation();
  // A reset link is opened signed out (or as someone else): it never waits for a session.
  if (pathname === '/reset-password') return <ResetPasswordPage />;
  // An invitation link works signed in or not: it is how a new member gets an account at all.
  if (pathname === '/invitation') return <InvitationPage />;
  return (
    <SessionProvider
      signedOut={<SignInPage />}
      loading={
        <div className="center-page">
          <Loading label="Opening the console…" />
        </div>
      }
      failed={(error, retry) => <SessionFailed error={error} retry={retry} />}
    >
      <Routes>
        <Route element={<Layout pages={consolePages} />}>
          {consolePages.map((page) => (
            <Route key={page.path} path={page.path} element={<Guarded page={page} />} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
