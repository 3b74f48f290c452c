/**
 * The stack overview every stack gets: alerts firing by severity (from ALERTS), targets
 * up and down per job, scrape health, and links to every other dashboard of the stack.
 */
import type { DatasourceRef } from '../core/component.ts';
import type { DashboardFile } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { finalizeDashboard } from './finalize.ts';
import { dashboardBuilder, jobVariable, row, statPanel, tablePanel, textPanel, timeseriesPanel } from './panels.ts';

export interface OverviewProps {
  stack: string;
  datasource: DatasourceRef;
  folder: string;
  /** Every other dashboard of the stack, linked from the overview. */
  dashboards: { uid: string; title: string; folder: string }[];
  /** Scrape job names, for the description. */
  jobs: string[];
  /** Prometheus scrapes itself: show rule evaluation health. */
  selfMonitoring: boolean;
}

export function overviewUid(stack: string): string {
  return dashboardUid(stack, 'overview');
}

const SEVERITY_COLORS: Record<string, string> = { critical: 'red', warning: 'orange', info: 'blue' };

/** Code-point order: the same on every machine, unlike localeCompare. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Markdown list of links to dashboards, grouped by folder. */
export function dashboardLinksMarkdown(dashboards: OverviewProps['dashboards']): string {
  if (!dashboards.length) return 'This stack has no other dashboards.';
  const folders = [...new Set(dashboards.map((d) => d.folder))].sort();
  const lines: string[] = [];
  for (const f of folders) {
    if (folders.length > 1) lines.push(`**${f}**`, '');
    for (const d of dashboards.filter((x) => x.folder === f).sort((a, b) => cmp(a.title, b.title) || cmp(a.uid, b.uid))) {
      lines.push(`- [${d.title.replace(/[[\]]/g, '')}](/d/${d.uid})`);
    }
    lines.push('');
  }
  return lines.join('\n').trim();
}

export function overviewDashboard(p: OverviewProps): DashboardFile {
  const uid = overviewUid(p.stack);
  const title = `${p.stack} / Overview`;
  const others = p.dashboards.filter((d) => d.uid !== uid);
  const sel = 'job=~"$job"';
  const b = dashboardBuilder({
    uid,
    title,
    description: `Alerts and scrape targets of the ${p.stack} stack (${p.jobs.length} scrape jobs), with links to its dashboards.`,
    tags: [p.stack, 'overview'],
    datasourceUid: p.datasource.uid,
    variables: [jobVariable()],
    links: others.map((d) => ({ title: d.title, uid: d.uid })),
    from: 'now-6h',
  })
    .withRow(row('Alerts'))
    .withPanel(
      statPanel({
        title: 'Alerts firing',
        description: 'Alerts in state firing, every severity.',
        unit: 'short',
        thresholds: [{ value: 1, color: 'red' }],
        queries: [{ expr: 'count(ALERTS{alertstate="firing"}) or vector(0)', legend: 'firing' }],
        width: 6,
      }),
    );
  for (const sev of ['critical', 'warning', 'info']) {
    b.withPanel(
      statPanel({
        title: `${sev[0]!.toUpperCase()}${sev.slice(1)} alerts`,
        description: `Alerts with severity=${sev} in state firing.`,
        unit: 'short',
        thresholds: [{ value: 1, color: SEVERITY_COLORS[sev]! }],
        queries: [{ expr: `count(ALERTS{alertstate="firing",severity="${sev}"}) or vector(0)`, legend: sev }],
        width: 6,
      }),
    );
  }
  b.withPanel(
    timeseriesPanel({
      title: 'Alerts firing by severity',
      unit: 'short',
      min: 0,
      stack: true,
      queries: [{ expr: 'sum by (severity) (ALERTS{alertstate="firing"})', legend: '{{severity}}' }],
      width: 12,
    }),
  )
    .withPanel(
      tablePanel({
        title: 'Firing alerts',
        description: 'Every firing alert with its severity and service.',
        unit: 'short',
        queries: [{ expr: 'sum by (alertname, severity, service) (ALERTS{alertstate="firing"})', legend: '{{alertname}}' }],
        width: 12,
      }),
    )
    .withRow(row('Targets'))
    .withPanel(
      statPanel({
        title: 'Targets up',
        unit: 'short',
        baseColor: 'red',
        thresholds: [{ value: 1, color: 'green' }],
        queries: [{ expr: `sum(up{${sel}})`, legend: 'up' }],
        width: 6,
        height: 8,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Targets down',
        unit: 'short',
        thresholds: [{ value: 1, color: 'red' }],
        queries: [{ expr: `count(up{${sel}} == 0) or vector(0)`, legend: 'down' }],
        width: 6,
        height: 8,
      }),
    )
    .withPanel(
      tablePanel({
        title: 'Targets per job',
        description: 'Targets up out of all targets of each job.',
        unit: 'percentunit',
        baseColor: 'red',
        thresholds: [{ value: 1, color: 'green' }],
        queries: [{ expr: `avg by (job) (up{${sel}})`, legend: '{{job}}' }],
        width: 12,
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Targets up per job',
        unit: 'short',
        min: 0,
        queries: [{ expr: `sum by (job) (up{${sel}})`, legend: '{{job}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Targets down per job',
        unit: 'short',
        min: 0,
        thresholds: [{ value: 1, color: 'red' }],
        queries: [{ expr: `count by (job) (up{${sel}} == 0)`, legend: '{{job}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Scrape duration per job',
        unit: 's',
        min: 0,
        queries: [{ expr: `max by (job) (scrape_duration_seconds{${sel}})`, legend: '{{job}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Samples scraped per job',
        unit: 'short',
        min: 0,
        queries: [{ expr: `sum by (job) (scrape_samples_scraped{${sel}})`, legend: '{{job}}' }],
      }),
    );
  if (p.selfMonitoring) {
    b.withRow(row('Prometheus'))
      .withPanel(
        timeseriesPanel({
          title: 'Rule evaluation failures',
          unit: 'ops',
          min: 0,
          thresholds: [{ value: 0.001, color: 'red' }],
          queries: [{ expr: 'sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total{job="prometheus"}[$__rate_interval]))', legend: '{{rule_group}}' }],
          width: 8,
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Notifications sent and failed',
          unit: 'ops',
          min: 0,
          queries: [
            { expr: 'sum(rate(prometheus_notifications_sent_total{job="prometheus"}[$__rate_interval]))', legend: 'sent' },
            { expr: 'sum(rate(prometheus_notifications_errors_total{job="prometheus"}[$__rate_interval]))', legend: 'failed' },
          ],
          width: 8,
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Head series',
          unit: 'short',
          min: 0,
          queries: [{ expr: 'max(prometheus_tsdb_head_series{job="prometheus"})', legend: 'series' }],
          width: 8,
        }),
      );
  }
  b.withRow(row('Dashboards')).withPanel(
    textPanel({
      title: `Dashboards of ${p.stack}`,
      content: dashboardLinksMarkdown(others),
      height: Math.min(12, Math.max(3, others.length + 2)),
    }),
  );
  const model = finalizeDashboard(b.build(), p.datasource);
  return { uid, title, folder: p.folder, model, source: 'overview' };
}
