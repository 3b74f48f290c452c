/**
 * Target and meta-monitoring alerts over Prometheus's own `up`: a target down, a share
 * of a job's targets down, a job absent altogether (absent() waits at least two scrape
 * intervals, since right after a restart every job is absent until its first scrape),
 * and the Watchdog heartbeat that always fires so a dead-man's switch can notice silence.
 */
import { formatNumber } from '../core/decimal.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import type { AlertRule, AlertScenario } from '../core/model.ts';
import { fireAt, firingChecks, gauge, mixinAlert, quiet, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export const TARGETS_PANELS = {
  down: 'Targets down',
  share: 'Share of targets down per job',
  jobs: 'Targets up per job',
} as const;

export interface TargetsTarget extends Omit<MixinTarget, 'job'> {
  /** Matchers of the watched jobs inside `{...}`, e.g. `job=~"api|node"`. */
  selector: string;
  /** Jobs used in fixtures (at least one). */
  fixtureJobs: string[];
}

/** Minute from which a target is down in the "down for less than for" scenario: half of `for` before `at`. */
function downSince(at: string, forDur: string): number {
  return Math.max(1, Math.round(durationMs(at) / 60_000) - Math.max(1, Math.floor(durationMs(forDur) / 120_000)));
}

function upSel(t: TargetsTarget): string {
  return `up{${t.selector}}`;
}

export function targetDownAlert(t: TargetsTarget, k: AlertKnobs, source: string): AlertRule {
  const job = t.fixtureJobs[0]!;
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const a = { instance: `${job}-1:9100`, job };
  const b = { instance: `${job}-2:9100`, job };
  return mixinAlert(
    { ...t, job },
    k,
    {
      expr: `${upSel(t)} == 0`,
      summary: `${t.component}: a scrape target is down`,
      description: 'Prometheus cannot scrape {{ $labels.instance }} of job {{ $labels.job }}.',
      panel: TARGETS_PANELS.down,
      runbook: {
        meaning: 'The last scrapes of this target failed: connection refused, timeout, or an HTTP error from /metrics.',
        impact: 'No metrics from the target: every alert on its metrics is blind. The process itself may be down.',
        diagnosis: [
          { title: 'Down targets', query: `${upSel(t)} == 0` },
          { title: 'Scrape duration against the timeout', query: `scrape_duration_seconds{${t.selector}}` },
        ],
        mitigation: [
          'Open Prometheus /targets for the error of the last scrape.',
          'Check the process and its port from the Prometheus host (curl http://<instance>/metrics).',
          'Check DNS, firewall and the scrape timeout (slow exporters time out).',
        ],
      },
      tests: [
        { name: 'fires when one target is down', series: [gauge('up', a, 0, n), gauge('up', b, 1, n)], checks: firingChecks(k.for, at, [{ labels: a, value: 0 }]) },
        quiet('stays quiet while every target is up', [gauge('up', a, 1, n), gauge('up', b, 1, n)], at),
        quiet(`stays quiet on a target down for less than ${k.for}`, [{ series: `up{instance="${a.instance}",job="${job}"}`, values: `1x${downSince(at, k.for) - 1} 0x${n}` }], at),
      ],
    },
    source,
  );
}

export function targetsDownShareAlert(t: TargetsTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const job = t.fixtureJobs[0]!;
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const up = (count: number, down: number) =>
    Array.from({ length: count }, (_, i) => gauge('up', { instance: `${job}-${i + 1}:9100`, job }, i < down ? 0 : 1, n));
  const total = 10;
  const down = Math.min(total, Math.floor(total * k.above) + 1);
  const fewer = Math.max(0, Math.ceil(total * k.above) - 1);
  return mixinAlert(
    { ...t, job },
    k,
    {
      expr: `count by (job) (${upSel(t)} == 0)\n  /\ncount by (job) (${upSel(t)})\n> ${formatNumber(k.above)}`,
      summary: `${t.component}: more than ${formatNumber(k.above * 100)}% of a job's targets are down`,
      description: '{{ $value | humanizePercentage }} of the targets of job {{ $labels.job }} are down.',
      panel: TARGETS_PANELS.share,
      runbook: {
        meaning: `More than ${formatNumber(k.above * 100)}% of the targets of one job cannot be scraped: a shared cause (deploy, network, discovery) rather than one host.`,
        impact: 'Capacity of the service is reduced and its metrics are partial; alerts on them may under-report.',
        diagnosis: [
          { title: 'Down targets of the job', query: `${upSel(t)} == 0` },
          { title: 'Share down per job', query: `count by (job) (${upSel(t)} == 0) / count by (job) (${upSel(t)})` },
        ],
        mitigation: ['Check what the down targets share: a deploy, a zone, a network path, the service discovery source.', 'Roll back a deploy that took the targets down.'],
      },
      tests: [
        { name: `fires when ${down} of ${total} targets are down`, series: up(total, down), checks: firingChecks(k.for, at, [{ labels: { job }, value: down / total }]) },
        quiet(`stays quiet with ${fewer} of ${total} down`, up(total, fewer), at),
        quiet('stays quiet with every target up (no division by zero)', up(total, 0), at),
      ],
    },
    source,
  );
}

/** One rule for every job: `absent(up{job="a"}) or absent(up{job="b"})`, labelled with the missing job. */
export function jobAbsentAlert(t: TargetsTarget, k: AlertKnobs, jobs: string[], source: string): AlertRule {
  const expr = jobs.map((j) => `absent(up{job=${JSON.stringify(j)}})`).join('\nor\n');
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const present = jobs.slice(1).map((j) => gauge('up', { instance: `${j}:9100`, job: j }, 1, n));
  const missing = jobs[0]!;
  const tests: AlertScenario[] = [
    { name: `fires when job ${missing} has no targets`, series: present.length ? present : [gauge('up', { instance: 'other:9100', job: 'other' }, 1, n)], checks: firingChecks(k.for, at, [{ labels: { job: missing }, value: 1 }]) },
    quiet('stays quiet while every job has targets', [gauge('up', { instance: `${missing}:9100`, job: missing }, 0, n), ...present], at),
  ];
  const forMs = durationMs(k.for);
  if (forMs >= 120_000) {
    // Absent at the start (as right after a Prometheus restart), present from the second minute on.
    tests.push(quiet('stays quiet when the job appears after the first scrapes', [{ series: `up{instance="${missing}:9100",job="${missing}"}`, values: `_ 1x${n}` }, ...present], formatDuration(forMs + 60_000)));
  }
  return mixinAlert(
    { ...t, job: missing },
    k,
    {
      expr,
      summary: `${t.component}: a job has disappeared from Prometheus`,
      description: 'Prometheus has no target of job {{ $labels.job }}: it is not discovered or not configured.',
      panel: TARGETS_PANELS.jobs,
      runbook: {
        meaning: 'No `up` series exists for the job: service discovery returns no target, or the job left the configuration.',
        impact: 'Every alert on the job\'s metrics is silently blind (they resolve as the metrics vanish).',
        diagnosis: [
          { title: 'Targets per job', query: 'count by (job) (up)' },
          { title: 'Discovery', query: 'prometheus_sd_discovered_targets' },
        ],
        mitigation: ['Check Prometheus /service-discovery for the job.', 'Check the last configuration reload (prometheus_config_last_reload_successful).', 'Check the discovery source (file_sd files, Kubernetes labels).'],
      },
      tests,
    },
    source,
  );
}

export function watchdogAlert(t: TargetsTarget, k: { name: string; for: string }, source: string): AlertRule {
  const r = mixinAlert(
    { ...t, job: 'prometheus' },
    { name: k.name, for: k.for, severity: 'info' },
    {
      expr: 'vector(1)',
      summary: `${t.component}: alerting pipeline heartbeat`,
      description: 'This alert always fires. If a dead-man\'s switch stops receiving it, Prometheus, its rule evaluation or the path to Alertmanager is broken.',
      runbook: {
        meaning: 'A heartbeat that always fires, to prove end to end that rules are evaluated and alerts reach Alertmanager.',
        impact: 'None while it fires. Its absence at the receiving end is the incident.',
        diagnosis: [
          { title: 'Rule evaluation failures', query: 'rate(prometheus_rule_evaluation_failures_total[5m])' },
          { title: 'Notifications dropped', query: 'rate(prometheus_notifications_dropped_total[5m])' },
        ],
        mitigation: ['Route it to a dead-man\'s switch service (e.g. a webhook that alerts when it stops), never to people.', 'If it stopped arriving, check Prometheus is up, its rules load, and it reaches Alertmanager.'],
      },
      tests: [
        { name: 'fires always', series: [], checks: [...(durationMs(k.for) > 0 ? [{ at: '0s', firing: [] }] : []), { at: formatDuration(durationMs(k.for) + 60_000), firing: [{ labels: {}, value: 1 }] }] },
      ],
    },
    source,
  );
  r.labels.severity = 'none';
  return r;
}
