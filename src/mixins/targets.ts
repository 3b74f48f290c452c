/**
 * targets mixin: alerts on Prometheus's own `up` for the jobs of a stack: a target down,
 * a share of a job's targets down, a job gone (absent), and the Watchdog heartbeat
 * (severity none, always firing; routes that match on severity never send it to anyone).
 * Adds no scrape job. The share alert inhibits the per-target alerts of its job.
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import { emptyContribution, type Rule } from '../core/model.ts';
import { matcherMatches } from '../core/re2.ts';
import { alertName, duration } from '../core/schema.ts';
import { jobAbsentAlert, targetDownAlert, targetsDownShareAlert, watchdogAlert, type TargetsTarget } from '../alerts/targets.ts';
import { targetsDashboard } from '../dashboards/targets.ts';
import { alertKnob, jobName, panelLinker, ratio } from './knobs.ts';
import { mixinDashboardUid } from './exporter.ts';

const absentJob = z.union([jobName, z.object({ name: jobName, scrapeInterval: duration }).strict()]);

export const targetsSchema = z
  .object({
    /** Jobs to watch; a job's entry may carry its scrape interval (`{ name, scrapeInterval }`). @default every job: `up` of any job, and an absent alert for each scrape job of the stack (less `excludeJobs`) */
    jobs: z.array(absentJob).default([]),
    /** Regex of jobs left out of the up alerts when `jobs` is empty. */
    excludeJobs: z.string().min(1).optional(),
    /** `service` label of the alerts. @default 'prometheus' */
    component: z.string().min(1).default('prometheus'),
    /** Name of the rule group. @default 'targets' */
    group: jobName.default('targets'),
    /** One target's scrapes fail. Defaults: warning, for 5m. */
    targetDown: alertKnob({ name: 'TargetDown', for: '5m', severity: 'warning' }, {}),
    /** Share of a job's targets down. Defaults: above 0.1, critical, for 5m. */
    targetsDown: alertKnob({ name: 'JobTargetsDown', for: '5m', severity: 'critical' }, { above: ratio.default(0.1) }),
    /** A watched job has no `up` series at all. `for` is at least twice the longest scrape interval. Defaults: critical, for max(5m, 2 x interval). */
    jobAbsent: z
      .union([
        z
          .object({
            name: alertName.default('JobAbsent'),
            /** @default max(5m, 2 x the longest scrape interval of the jobs) */
            for: duration.optional(),
            severity: z.enum(['critical', 'warning', 'info']).default('critical'),
          })
          .strict(),
        z.literal(false),
      ])
      .prefault({}),
    /** Always-firing heartbeat, severity none. Defaults: name Watchdog, for 1m. */
    watchdog: z
      .union([
        z
          .object({
            name: alertName.default('Watchdog'),
            for: duration.refine((d) => durationMs(d) >= 60_000, { message: 'must be at least 1m', params: { hint: 'the generated test checks it is pending first; use 1m' } }).default('1m'),
          })
          .strict(),
        z.literal(false),
      ])
      .prefault({}),
    /** Generate the dashboard. @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type TargetsProps = z.input<typeof targetsSchema>;
export type TargetsConfig = z.output<typeof targetsSchema>;

function alternation(names: string[]): string {
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

export const targets: (props: TargetsProps) => Component<TargetsConfig> = defineComponent('targets', targetsSchema, (props, ctx) => {
  const out = emptyContribution();
  const jobs = props.jobs.map((j) => (typeof j === 'string' ? { name: j, scrapeInterval: undefined } : j));
  const names = jobs.map((j) => j.name);
  const selector = names.length
    ? `job=~${JSON.stringify(alternation(names))}`
    : props.excludeJobs
      ? `job!~${JSON.stringify(props.excludeJobs)}`
      : 'job=~".+"';
  const uid = mixinDashboardUid(ctx, 'targets', props.group);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = targetsDashboard({ uid, selector, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, ...(props.targetsDown ? { share: props.targetsDown.above } : {}), source: ctx.path });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: TargetsTarget = { component: props.component, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds), selector, fixtureJobs: names.length ? names : ['node'] };
  const p = ctx.path;
  const rules: Rule[] = [];
  if (props.targetDown) rules.push(targetDownAlert(t, props.targetDown, `${p}.targetDown`));
  if (props.targetsDown) rules.push(targetsDownShareAlert(t, props.targetsDown, `${p}.targetsDown`));
  if (props.jobAbsent) {
    // absent() cannot range over jobs: without a list, watch the jobs this stack scrapes.
    const exclude = props.excludeJobs;
    const watched = jobs.length ? jobs : ctx.stackJobs().filter((j) => !exclude || !matcherMatches({ name: 'job', op: '=~', value: exclude }, j.name));
    const watchedNames = watched.map((j) => j.name);
    if (!watched.length) {
      ctx.diag.error(`${p}.jobs`, 'absent-needs-jobs', 'jobAbsent needs the jobs to watch by name, and the stack scrapes none that excludeJobs leaves', {
        hint: "list them: jobs: ['api', 'node'], or turn the alert off: jobAbsent: false",
        wholeStack: true,
      });
    } else {
      const longest = Math.max(...watched.map((j) => durationMs(j.scrapeInterval ?? ctx.stack.scrapeInterval)));
      const min = 2 * longest;
      const forMs = props.jobAbsent.for ? durationMs(props.jobAbsent.for) : Math.max(5 * 60_000, min);
      if (forMs < min) {
        ctx.diag.error(`${p}.jobAbsent.for`, 'absent-for', `for ${props.jobAbsent.for} is shorter than two scrape intervals (${formatDuration(min)}): after a restart every job is absent until its first scrape`, {
          value: props.jobAbsent.for,
          hint: `use for: '${formatDuration(Math.max(min, 5 * 60_000))}' or longer`,
          wholeStack: !jobs.length,
        });
      } else {
        rules.push(jobAbsentAlert(t, { name: props.jobAbsent.name, severity: props.jobAbsent.severity, for: formatDuration(forMs) }, watchedNames, `${p}.jobAbsent`));
      }
    }
  }
  if (props.watchdog) rules.push(watchdogAlert(t, props.watchdog, `${p}.watchdog`));
  if (rules.length) out.ruleGroups.push({ name: props.group, rules, source: p });
  if (props.targetDown && props.targetsDown) {
    out.inhibitRules.push({
      sourceMatchers: [{ name: 'alertname', op: '=', value: props.targetsDown.name }],
      targetMatchers: [{ name: 'alertname', op: '=', value: props.targetDown.name }],
      equal: ['job'],
      source: p,
    });
  }
  return out;
}, { readsStackJobs: true });
