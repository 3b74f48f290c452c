/**
 * haproxy mixin: HAProxy's built-in Prometheus exporter (promex; `http-request
 * use-service prometheus-exporter` on a frontend, commonly :8404/metrics). Scrape job,
 * alerts (backend without live servers, 5xx ratio, queueing), dashboard, runbooks, tests.
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { emptyContribution } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { duration, target } from '../core/schema.ts';
import { haproxyBackendDownAlert, haproxyErrorRatioAlert, haproxyQueueAlert } from '../alerts/haproxy.ts';
import { haproxyDashboard } from '../dashboards/haproxy.ts';
import { toScrapeJob } from '../scrape/jobs.ts';
import { alertKnob, jobName, panelLinker, ratio } from './knobs.ts';

export const haproxySchema = z
  .object({
    /** promex endpoints, host:port (HAProxy has no fixed port; 8404 is the convention). Omit with `ownJob: false`. */
    targets: z.array(target).min(1).optional(),
    /** @default '/metrics' */
    metricsPath: z.string().startsWith('/').default('/metrics'),
    /** Job name, also the rule group name. @default 'haproxy' */
    job: jobName.default('haproxy'),
    /** Set to false when the job is defined elsewhere in the stack. @default true */
    ownJob: z.boolean().default(true),
    /** `service` label of the alerts. @default 'haproxy' */
    component: z.string().min(1).default('haproxy'),
    scrapeInterval: duration.optional(),
    /** Every server of a backend (active and backup) down. Defaults: critical, for 1m. */
    backendDown: alertKnob(
      { name: 'HaproxyBackendNoLiveServers', for: '1m', severity: 'critical' },
      {
        /** Regex of backends (`proxy` label) to leave out, e.g. `stats|default_backend`. */
        proxyExclude: z.string().optional(),
      },
    ),
    /** Share of a backend's responses that are 5xx. Defaults: above 0.05, minRate 1 resp/s, window 5m, critical, for 5m. */
    errorRatio: alertKnob(
      { name: 'HaproxyBackendHighErrorRate', for: '5m', severity: 'critical' },
      {
        above: ratio.default(0.05),
        /** Responses per second below which the ratio is not judged. */
        minRate: z.number().nonnegative().default(1),
        window: duration.default('5m'),
      },
    ),
    /** Requests waiting for a server slot. Defaults: above 10, warning, for 5m. */
    queue: alertKnob({ name: 'HaproxyBackendQueueing', for: '5m', severity: 'warning' }, { above: z.number().nonnegative().default(10) }),
    /** Generate the dashboard. @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type HaproxyProps = z.input<typeof haproxySchema>;
export type HaproxyConfig = z.output<typeof haproxySchema>;

export const haproxy: (props: HaproxyProps) => Component<HaproxyConfig> = defineComponent('haproxy', haproxySchema, (props, ctx) => {
  const out = emptyContribution();
  if (props.ownJob) {
    if (!props.targets) ctx.diag.error(`${ctx.path}.targets`, 'no-targets', 'haproxy has no targets', { hint: 'give targets: ["haproxy:8404"], or ownJob: false with job: <existing job>' });
    else out.scrapeJobs.push(toScrapeJob({ name: props.job, targets: props.targets, scrapeInterval: props.scrapeInterval, ...(props.metricsPath !== '/metrics' ? { metricsPath: props.metricsPath } : {}), exporter: 'haproxy_promex' }, ctx.path));
  }
  const uid = dashboardUid(ctx.stack.name, 'haproxy', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = haproxyDashboard({
      uid,
      job: props.job,
      component: props.component,
      stack: ctx.stack.name,
      datasource: ctx.datasource,
      ...(props.errorRatio ? { errorRatio: props.errorRatio.above } : {}),
      ...(props.queue ? { queue: props.queue.above } : {}),
      source: ctx.path,
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t = { component: props.component, job: props.job, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) };
  const rules = [];
  if (props.backendDown) rules.push(haproxyBackendDownAlert(t, props.backendDown, `${ctx.path}.backendDown`));
  if (props.errorRatio) rules.push(haproxyErrorRatioAlert(t, props.errorRatio, `${ctx.path}.errorRatio`));
  if (props.queue) rules.push(haproxyQueueAlert(t, props.queue, `${ctx.path}.queue`));
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: ctx.path });
  return out;
});
