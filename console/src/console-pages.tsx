import { lazy, Suspense } from 'react';
import { matchPath } from 'react-router-dom';
import { Loading } from './components/feedback.tsx';
import type { ConsolePage } from './shared/console-page.ts';
import { AuditPage } from './pages/audit/audit-page.tsx';
import { ChangesPage } from './pages/changes/changes-page.tsx';
import { ExportSchedulesPage } from './pages/export-schedules/export-schedules-page.tsx';
import { ExportsPage } from './pages/exports/exports-page.tsx';
import { FaceImportsPage } from './pages/face-imports/face-imports-page.tsx';
import { ImportHistoryPage } from './pages/imports/import-history-page.tsx';
import { ImportPage } from './pages/imports/import-page.tsx';
import { NewImportPage } from './pages/imports/new-import-page.tsx';
import { SettingsPage } from './pages/settings/settings-page.tsx';
import { PrivacySettingsPage } from './pages/privacy/privacy-settings-page.tsx';
import { UserPage } from './pages/users/user-page.tsx';
import { UsersPage } from './pages/users/users-page.tsx';
import { WebhooksPage } from './pages/webhooks/webhooks-page.tsx';

// The overview brings the chart library: it loads only when the page is opened.
const OverviewPage = lazy(() => import('./pages/overview/overview-page.tsx'));

/** Every page of the signed-in console, in the order of the main navigation (a new page is one entry here). */
export const consolePages: ConsolePage[] = [
  {
    path: '/',
    title: 'Overview',
    nav: 'Overview',
    anyOf: ['users.read'],
    purpose: 'see the overview of users',
    element: (
      <Suspense fallback={<Loading label="Loading the overview…" />}>
        <OverviewPage />
      </Suspense>
    ),
  },
  { path: '/users', title: 'Users', nav: 'Users', anyOf: ['users.read'], purpose: 'see users', element: <UsersPage /> },
  { path: '/users/:userId', title: 'User', anyOf: ['users.read'], purpose: 'see users', element: <UserPage /> },
  { path: '/changes', title: 'Changes', nav: 'Changes', anyOf: ['users.read'], purpose: 'see changes to users', element: <ChangesPage /> },
  { path: '/imports/new', title: 'Import', nav: 'Import', anyOf: ['imports.manage'], purpose: 'import users', element: <NewImportPage /> },
  { path: '/imports', title: 'Import history', nav: 'Import history', anyOf: ['imports.manage'], purpose: 'see or run imports', element: <ImportHistoryPage /> },
  { path: '/imports/faces', title: 'Import faces', anyOf: ['imports.manage'], purpose: 'import faces', element: <FaceImportsPage /> },
  { path: '/imports/:importId', title: 'Import', anyOf: ['imports.manage'], purpose: 'see or run imports', element: <ImportPage /> },
  { path: '/exports', title: 'Export', nav: 'Export', anyOf: ['exports.request'], purpose: 'export users', element: <ExportsPage /> },
  { path: '/exports/schedules', title: 'Scheduled exports', nav: 'Scheduled exports', anyOf: ['exports.request'], purpose: 'schedule exports', element: <ExportSchedulesPage /> },
  { path: '/audit', title: 'Audit log', nav: 'Audit log', anyOf: ['audit.read'], purpose: 'read the audit log', element: <AuditPage /> },
  { path: '/settings', title: 'Settings', nav: 'Settings', purpose: 'change settings', element: <SettingsPage /> },
  { path: '/settings/privacy', title: 'Privacy', nav: 'Privacy', anyOf: ['audit.read'], purpose: 'see privacy settings', element: <PrivacySettingsPage /> },
  { path: '/settings/webhooks', title: 'Webhooks', nav: 'Webhooks', anyOf: ['webhooks.manage'], purpose: 'manage webhooks', element: <WebhooksPage /> },
];

/** The page a location shows (the first declared match: /imports/new before /imports/:importId). */
export function pageAt(pathname: string): ConsolePage | undefined {
  return consolePages.find((page) => matchPath(page.path, pathname));
}
