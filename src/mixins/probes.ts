/**
 * probes mixin: black-box probes through blackbox_exporter (:9115). One scrape job per
 * module, the probed URLs as targets relabeled into `?target=`, alerts (endpoint down,
 * TLS certificate expiring, slow probe), dashboard, runbooks, tests.
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { emptyContribution, type ScrapeJob } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { duration, target } from '../core/schema.ts';
import { certificateExpiryAlert, probeFailedAlert, probeSlowAlert } from '../alerts/probes.ts';
import { probesDashboard } from '../dashboards/probes.ts';
import { BLACKBOX_EXPORTER } from '../scrape/catalog/blackbox.ts';
import { alertKnob, jobName, panelLinker } from './knobs.ts';

const probeTarget = z.string().regex(/^([a-z][a-z0-9+.-]*:\/\/)?[^\s/]+(\/\S*)?$/i, 'is not a URL or host:port to probe');

export const probesSchema = z
  .object({
    /** What to probe: URLs (http modules) or host:port (tcp modules). */
    targets: z.array(probeTarget).min(1),
    /** Address of blackbox_exporter. @default 'blackbox-exporter:9115' */
    exporter: target.default('blackbox-exporter:9115'),
    /** Module of blackbox.yml to probe with. @default 'http_2xx' */
    module: z.string().regex(/^[A-Za-z0-9_-]+$/, 'is not a module name').default('http_2xx'),
    /** Job name, also the rule group name. @default 'blackbox' */
    job: jobName.default('blackbox'),
    /** `service` label of the alerts. @default 'probes' */
    component: z.string().min(1).default('probes'),
    scrapeInterval: duration.optional(),
    /** probe_success == 0. Defaults: critical, for 2m. */
    down: alertKnob({ name: 'ProbeEndpointDown', for: '2m', severity: 'critical' }, {}),
    /** Certificate expires within `within`. Defaults: within 14d, warning, for 30m. */
    certificate: alertKnob({ name: 'ProbeCertificateExpiring', for: '30m', severity: 'warning' }, { within: duration.default('14d') }),
    /** Certificate expires within `within`. Defaults: within 3d, critical, for 30m. Inhibits the warning for the same endpoint. */
    certificateCritical: alertKnob({ name: 'ProbeCertificateExpiringSoon', for: '30m', severity: 'critical' }, { within: duration.default('3d') }),
    /** Average probe duration, seconds. Defaults: above 1, window 5m, warning, for 10m. */
    slow: alertKnob({ name: 'ProbeSlow', for: '10m', severity: 'warning' }, { above: z.number().positive().default(1), window: duration.default('5m') }),
    /** @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type ProbesProps = z.input<typeof probesSchema>;

export const probes: (props: ProbesProps) => Component<z.output<typeof probesSchema>> = defineComponent('probes', probesSchema, (props, ctx) => {
  const out = emptyContribution();
  const p = ctx.path;
  const job: ScrapeJob = {
    name: props.job,
    metricsPath: '/probe',
    params: { module: [props.module] },
    staticConfigs: [{ targets: [...props.targets] }],
    relabelConfigs: [
      { sourceLabels: ['__address__'], targetLabel: '__param_target' },
      { sourceLabels: ['__param_target'], targetLabel: 'instance' },
      { targetLabel: '__address__', replacement: props.exporter },
    ],
    exporter: BLACKBOX_EXPORTER,
    source: p,
  };
  if (props.scrapeInterval) job.scrapeInterval = props.scrapeInterval;
  out.scrapeJobs.push(job);
  const uid = dashboardUid(ctx.stack.name, 'probes', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = probesDashboard({ uid, job: props.job, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, source: p, ...(props.slow ? { slow: props.slow.above } : {}) });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t = { component: props.component, job: props.job, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) };
  const rules = [
    ...(props.down ? [probeFailedAlert(t, props.down, `${p}.down`)] : []),
    ...(props.certificate ? [certificateExpiryAlert(t, props.certificate, `${p}.certificate`)] : []),
    ...(props.certificateCritical ? [certificateExpiryAlert(t, props.certificateCritical, `${p}.certificateCritical`)] : []),
    ...(props.slow ? [probeSlowAlert(t, props.slow, `${p}.slow`)] : []),
  ];
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: p });
  if (props.certificate && props.certificateCritical) {
    out.inhibitRules.push({
      sourceMatchers: [{ name: 'alertname', op: '=', value: props.certificateCritical.name }],
      targetMatchers: [{ name: 'alertname', op: '=', value: props.certificate.name }],
      equal: ['instance', 'job'],
      source: `${p}.certificateCritical`,
    });
  }
  return out;
});
