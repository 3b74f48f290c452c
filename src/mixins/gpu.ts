/** gpu mixin: NVIDIA dcgm-exporter (:9400) scrape job, alerts, dashboard, runbooks, tests. */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { emptyContribution, type InhibitRule } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { duration, percentNotFraction, target } from '../core/schema.ts';
import { CRITICAL_XIDS, gpuIdleAlert, gpuMemoryAlert, gpuTemperatureAlert, gpuXidAlert } from '../alerts/gpu.ts';
import { gpuDashboard } from '../dashboards/gpu.ts';
import { toScrapeJob } from '../scrape/jobs.ts';
import { alertKnob, jobName, panelLinker, ratio } from './knobs.ts';

export const gpuSchema = z
  .object({
    /** dcgm-exporter endpoints, host:port. Omit with `ownJob: false`. */
    targets: z.array(target).min(1).optional(),
    /** Job name, also the rule group name. @default 'dcgm-exporter' */
    job: jobName.default('dcgm-exporter'),
    /** @default true */
    ownJob: z.boolean().default(true),
    /** `service` label of the alerts. @default 'gpu' */
    component: z.string().min(1).default('gpu'),
    scrapeInterval: duration.optional(),
    /** Average utilisation below `below` % over `window`. Defaults: below 5, window 1h, info, for 6h, every GPU (onlyAllocated false). */
    idle: alertKnob(
      { name: 'GpuIdle', for: '6h', severity: 'info' },
      { below: percentNotFraction(z.number().gt(0).lte(100)).default(5), window: duration.default('1h'), /** Only GPUs a pod holds (pod label set). */ onlyAllocated: z.boolean().default(false) },
    ),
    /** Framebuffer used / (used + free). Defaults: above 0.95, warning, for 10m. */
    memory: alertKnob({ name: 'GpuFramebufferNearlyFull', for: '10m', severity: 'warning' }, { above: ratio.default(0.95) }),
    /** Core temperature, °C. Defaults: above 85, warning, for 5m. */
    temperature: alertKnob({ name: 'GpuTemperatureHigh', for: '5m', severity: 'warning' }, { above: z.number().positive().default(85) }),
    /** Core temperature, °C. Defaults: above 90, critical, for 2m. Inhibits the warning on the same GPU. */
    temperatureCritical: alertKnob({ name: 'GpuTemperatureCritical', for: '2m', severity: 'critical' }, { above: z.number().positive().default(90) }),
    /** Any XID error. Defaults: warning, for 5m. */
    xid: alertKnob({ name: 'GpuXidError', for: '5m', severity: 'warning' }, {}),
    /** XIDs that need the GPU serviced. Defaults: codes 48 63 64 74 79 92 94 95 119 120 140, critical, for 1m. Inhibits the warning on the same GPU. */
    xidCritical: alertKnob({ name: 'GpuXidErrorCritical', for: '1m', severity: 'critical' }, { codes: z.array(z.string().regex(/^\d+$/, 'is not an XID code')).min(1).default(CRITICAL_XIDS) }),
    /** @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type GpuProps = z.input<typeof gpuSchema>;
export type GpuConfig = z.output<typeof gpuSchema>;

export const gpu: (props: GpuProps) => Component<GpuConfig> = defineComponent('gpu', gpuSchema, (props, ctx) => {
  const out = emptyContribution();
  if (props.ownJob) {
    if (!props.targets) ctx.diag.error(`${ctx.path}.targets`, 'no-targets', 'gpu has no targets', { hint: 'give targets: ["dcgm-exporter:9400"], or ownJob: false with job: <existing job>' });
    else out.scrapeJobs.push(toScrapeJob({ name: props.job, targets: props.targets, scrapeInterval: props.scrapeInterval, exporter: 'dcgm_exporter' }, ctx.path));
  }
  const uid = dashboardUid(ctx.stack.name, 'gpu', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = gpuDashboard({
      uid, job: props.job, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, source: ctx.path,
      ...(props.memory ? { memory: props.memory.above } : {}),
      ...(props.temperature ? { temperature: props.temperature.above } : {}),
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t = { component: props.component, job: props.job, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) };
  const p = ctx.path;
  const rules = [
    ...(props.idle ? [gpuIdleAlert(t, props.idle, `${p}.idle`)] : []),
    ...(props.memory ? [gpuMemoryAlert(t, props.memory, `${p}.memory`)] : []),
    ...(props.temperature ? [gpuTemperatureAlert(t, props.temperature, `${p}.temperature`, 'warning')] : []),
    ...(props.temperatureCritical ? [gpuTemperatureAlert(t, props.temperatureCritical, `${p}.temperatureCritical`, 'critical')] : []),
    ...(props.xid ? [gpuXidAlert(t, { ...props.xid }, `${p}.xid`)] : []),
    ...(props.xidCritical ? [gpuXidAlert(t, props.xidCritical, `${p}.xidCritical`)] : []),
  ];
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: p });
  // The critical twin of an alert silences the warning on the same GPU.
  const inhibit = (source: string, target: string, path: string): InhibitRule => ({
    sourceMatchers: [{ name: 'alertname', op: '=', value: source }],
    targetMatchers: [{ name: 'alertname', op: '=', value: target }],
    equal: ['instance', 'gpu'],
    source: path,
  });
  if (props.temperature && props.temperatureCritical) out.inhibitRules.push(inhibit(props.temperatureCritical.name, props.temperature.name, `${p}.temperatureCritical`));
  if (props.xid && props.xidCritical) out.inhibitRules.push(inhibit(props.xidCritical.name, props.xid.name, `${p}.xidCritical`));
  return out;
});
