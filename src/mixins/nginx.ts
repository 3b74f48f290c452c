/**
 * nginx mixins: `nginx` for nginx-prometheus-exporter (stub_status, :9113) and
 * `ingressNginx` for the ingress-nginx controller's own metrics (:10254). stub_status has
 * no status codes, so only ingressNginx has an error-ratio alert.
 */
import { z } from 'zod';
import { defineComponent, type BuildContext, type Component } from '../core/component.ts';
import { emptyContribution, type AlertRule, type Contribution } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { duration } from '../core/schema.ts';
import { ingressErrorRatioAlert, ingressReloadFailedAlert, nginxDownAlert, nginxDroppedConnectionsAlert } from '../alerts/nginx.ts';
import { ingressNginxDashboard, nginxDashboard } from '../dashboards/nginx.ts';
import { toScrapeJob } from '../scrape/jobs.ts';
import type { MixinTarget } from '../alerts/rulekit.ts';
import { alertKnob, exporterJobFields, panelLinker, ratio } from './knobs.ts';

export const nginxSchema = z
  .object({
    ...exporterJobFields('nginx', 'nginx'),
    /** nginx_up == 0. Defaults: critical, for 1m. */
    down: alertKnob({ name: 'NginxDown', for: '1m', severity: 'critical' }, {}),
    /** Accepted minus handled connections per second. Defaults: above 0, window 5m, warning, for 5m. */
    droppedConnections: alertKnob({ name: 'NginxDroppedConnections', for: '5m', severity: 'warning' }, { above: z.number().nonnegative().default(0), window: duration.default('5m') }),
  })
  .strict();

export const ingressNginxSchema = z
  .object({
    ...exporterJobFields('ingress-nginx', 'ingress-nginx'),
    /** 5xx share per ingress. Defaults: above 0.05, minRate 1 req/s, window 5m, critical, for 5m. */
    errorRatio: alertKnob(
      { name: 'IngressHighErrorRate', for: '5m', severity: 'critical' },
      { above: ratio.default(0.05), minRate: z.number().nonnegative().default(1), window: duration.default('5m') },
    ),
    /** Last config reload failed. Defaults: warning, for 5m. */
    reloadFailed: alertKnob({ name: 'IngressConfigReloadFailed', for: '5m', severity: 'warning' }, {}),
  })
  .strict();

export type NginxProps = z.input<typeof nginxSchema>;
export type IngressNginxProps = z.input<typeof ingressNginxSchema>;

function assemble(
  props: { targets?: string[]; job: string; ownJob: boolean; component: string; scrapeInterval?: string; dashboard: boolean },
  ctx: BuildContext,
  exporter: string,
  kind: string,
  board: (uid: string) => { file: Contribution['dashboards'][number]; panelIds: Map<string, number> },
  rules: (t: MixinTarget) => AlertRule[],
): Contribution {
  const out = emptyContribution();
  if (props.ownJob) {
    if (!props.targets) ctx.diag.error(`${ctx.path}.targets`, 'no-targets', `${kind} has no targets`, { hint: 'give targets: ["host:port"], or ownJob: false with job: <existing job>' });
    else out.scrapeJobs.push(toScrapeJob({ name: props.job, targets: props.targets, scrapeInterval: props.scrapeInterval, exporter }, ctx.path));
  }
  const uid = dashboardUid(ctx.stack.name, kind, props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = board(uid);
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const list = rules({ component: props.component, job: props.job, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) });
  if (list.length) out.ruleGroups.push({ name: props.job, rules: list, source: ctx.path });
  return out;
}

export const nginx: (props: NginxProps) => Component<z.output<typeof nginxSchema>> = defineComponent('nginx', nginxSchema, (props, ctx) =>
  assemble(
    props,
    ctx,
    'nginx_prometheus_exporter',
    'nginx',
    (uid) => nginxDashboard({ uid, job: props.job, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, source: ctx.path }),
    (t) => [
      ...(props.down ? [nginxDownAlert(t, props.down, `${ctx.path}.down`)] : []),
      ...(props.droppedConnections ? [nginxDroppedConnectionsAlert(t, props.droppedConnections, `${ctx.path}.droppedConnections`)] : []),
    ],
  ),
);

export const ingressNginx: (props: IngressNginxProps) => Component<z.output<typeof ingressNginxSchema>> = defineComponent('ingressNginx', ingressNginxSchema, (props, ctx) =>
  assemble(
    props,
    ctx,
    'ingress_nginx',
    'ingress',
    (uid) => ingressNginxDashboard({ uid, job: props.job, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, ...(props.errorRatio ? { errorRatio: props.errorRatio.above } : {}), source: ctx.path }),
    (t) => [
      ...(props.errorRatio ? [ingressErrorRatioAlert(t, props.errorRatio, `${ctx.path}.errorRatio`)] : []),
      ...(props.reloadFailed ? [ingressReloadFailedAlert(t, props.reloadFailed, `${ctx.path}.reloadFailed`)] : []),
    ],
  ),
);
