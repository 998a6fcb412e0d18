import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { useOverview, type Overview } from '../../api/overview.ts';
import { Badge, ClipCell, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Card, PageHeader } from '../../components/layout.tsx';
import { countOf, formatNumber, formatShortDateTime, formatTotal } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { BarChart } from './bar-chart.tsx';

const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

function UserCharts({ users }: { users: Overview['users'] }) {
  const status = useMemo(() => ({ labels: users.by_status.map((row) => row.status), values: users.by_status.map((row) => row.count) }), [users.by_status]);
  const country = useMemo(
    () => ({ labels: users.by_country.map((row) => (row.country === null ? 'none' : row.country === 'other' ? 'Other' : row.country)), values: users.by_country.map((row) => row.count) }),
    [users.by_country],
  );
  const days = useMemo(
    () => ({ labels: users.created_per_day.map((row) => shortDay.format(new Date(`${row.day}T00:00:00Z`))), values: users.created_per_day.map((row) => row.count) }),
    [users.created_per_day],
  );
  const created = days.values.reduce((sum, value) => sum + value, 0);
  const describe = (labels: string[], values: number[]) => labels.map((label, index) => `${label} ${formatNumber(values[index])}`).join(', ');
  return (
    <div className="overview-charts">
      <section className="card">
        <BarChart title="Users by status" summary={`Users by status: ${describe(status.labels, status.values)}.`} labels={status.labels} values={status.values} height={200} />
      </section>
      <section className="card">
        <BarChart
          title="Users by country"
          summary={`Users by country: ${describe(country.labels, country.values)}.`}
          labels={country.labels}
          values={country.values}
          horizontal
          height={Math.max(160, country.labels.length * 26)}
        />
      </section>
      <section className="card overview-wide">
        <BarChart
          title="Users created per day, last 30 days"
          summary={`${countOf(created, 'user')} created in the last 30 days; the most on one day: ${formatNumber(Math.max(0, ...days.values))}.`}
          labels={days.labels}
          values={days.values}
          labelEvery={5}
        />
      </section>
    </div>
  );
}

function RecentImports({ imports }: { imports: NonNullable<Overview['recent_imports']> }) {
  return (
    <Card id="recent-imports" title="Recent imports">
      <DataTable caption="The five latest imports" columns={['File', 'When', 'Outcome', 'Rows']} empty={imports.length === 0 && 'No imports yet.'}>
        {imports.map((job) => (
          <tr key={job.id}>
            <ClipCell strong title={job.file_name}>
              <Link to={`/imports/${job.id}`}>{job.file_name}</Link>
            </ClipCell>
            <td>{formatShortDateTime(job.created_at)}</td>
            <td>
              <Badge value={job.status} />
            </td>
            <td className="cell-wrap">
              {job.status === 'completed'
                ? `${formatNumber(job.created)} created · ${formatNumber(job.updated)} updated · ${formatNumber(job.skipped)} skipped`
                : countOf(job.total_rows, 'row')}
            </td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}

function RecentExports({ exports }: { exports: Overview['recent_exports'] }) {
  return (
    <Card id="recent-exports" title="Recent exports">
      <DataTable caption="The five latest exports" columns={['Requested', 'By', 'Outcome', 'Rows']} empty={exports.length === 0 && 'No exports yet.'}>
        {exports.map((job) => (
          <tr key={job.id}>
            <td>
              <Link to="/exports">{formatShortDateTime(job.created_at)}</Link>
            </td>
            <ClipCell title={job.created_by ?? undefined}>{job.created_by ?? '—'}</ClipCell>
            <td title={job.error ?? undefined}>
              <Badge value={job.status} />
            </td>
            <td className="numeric">{job.row_count === null ? '—' : formatNumber(job.row_count)}</td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}

/** The landing page: what is in the application and what happened to it lately. Loaded (with its chart library) only when opened. */
export default function OverviewPage() {
  const { appId, app } = useSession();
  const overview = useOverview(appId);
  const data = overview.data;
  return (
    <>
      <PageHeader title="Overview">
        <span className="muted">{app.name}</span>
      </PageHeader>
      <ErrorMessage error={overview.error} />
      {overview.isPending && <Loading label="Loading the overview…" />}
      {data && (
        <>
          <ul className="stats overview-stats" aria-label="Users">
            <li className="stat">
              <span className="stat-value">{formatTotal(data.users.total)}</span>
              <span className="stat-label">
                <Link to="/users">Users</Link>
              </span>
            </li>
            {data.users.by_status.map((row) => (
              <li key={row.status} className="stat">
                <span className="stat-value">{formatNumber(row.count)}</span>
                <span className="stat-label">
                  <Link to={`/users?status=${row.status}`}>{row.status.toLowerCase()}</Link>
                </span>
              </li>
            ))}
          </ul>
          <UserCharts users={data.users} />
          <div className="grid-2">
            {data.recent_imports && <RecentImports imports={data.recent_imports} />}
            <RecentExports exports={data.recent_exports} />
          </div>
        </>
      )}
    </>
  );
}
