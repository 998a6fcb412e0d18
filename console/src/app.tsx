import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ErrorMessage, Loading } from './components/feedback.tsx';
import { Layout } from './components/layout.tsx';
import { AuditPage } from './pages/audit/audit-page.tsx';
import { ExportsPage } from './pages/exports/exports-page.tsx';
import { FaceImportsPage } from './pages/face-imports/face-imports-page.tsx';
import { ImportHistoryPage } from './pages/imports/import-history-page.tsx';
import { ImportPage } from './pages/imports/import-page.tsx';
import { InvitationPage } from './pages/invitation/invitation-page.tsx';
import { NewImportPage } from './pages/imports/new-import-page.tsx';
import { SettingsPage } from './pages/settings/settings-page.tsx';
import { ResetPasswordPage } from './pages/sign-in/reset-password-page.tsx';
import { SignInPage } from './pages/sign-in/sign-in-page.tsx';
import { UserPage } from './pages/users/user-page.tsx';
import { UsersPage } from './pages/users/users-page.tsx';
import { SessionProvider } from './shared/session.tsx';

// The overview brings the chart library: it loads only when the page is opened.
const OverviewPage = lazy(() => import('./pages/overview/overview-page.tsx'));

const pageTitles: [RegExp, string][] = [
  [/^\/$/, 'Overview'],
  [/^\/users\/.+/, 'User'],
  [/^\/users/, 'Users'],
  [/^\/imports\/faces/, 'Import faces'],
  [/^\/imports\/new/, 'Import'],
  [/^\/imports\/.+/, 'Import'],
  [/^\/imports/, 'Import history'],
  [/^\/exports/, 'Export'],
  [/^\/audit/, 'Audit log'],
  [/^\/settings/, 'Settings'],
];

/** Each page gets its own document title, so history and tabs say where they lead. */
function useDocumentTitle() {
  const { pathname } = useLocation();
  useEffect(() => {
    const title = pageTitles.find(([pattern]) => pattern.test(pathname))?.[1];
    document.title = title ? `${title} · Roster` : 'Roster';
  }, [pathname]);
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
        <Route element={<Layout />}>
          <Route
            index
            element={
              <Suspense fallback={<Loading label="Loading the overview…" />}>
                <OverviewPage />
              </Suspense>
            }
          />
          <Route path="users" element={<UsersPage />} />
          <Route path="users/:userId" element={<UserPage />} />
          <Route path="imports" element={<ImportHistoryPage />} />
          <Route path="imports/new" element={<NewImportPage />} />
          <Route path="imports/faces" element={<FaceImportsPage />} />
          <Route path="imports/:importId" element={<ImportPage />} />
          <Route path="exports" element={<ExportsPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
