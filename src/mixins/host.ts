/**
 * host mixin (node_exporter, default port 9100): scrape job, CPU/memory/disk/inode
 * warning+critical pairs, disk filling up, network errors, clock skew and sync, a host
 * dashboard, runbooks and promtool scenarios (read-only and excluded filesystems stay quiet).
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { durationMs } from '../core/duration.ts';
import { emptyContribution, type Rule } from '../core/model.ts';
import { duration, percentNotFraction } from '../core/schema.ts';
import { clockNotSyncAlert, clockSkewAlert, cpuAlerts, diskAlerts, diskFillingUpAlert, inodeAlerts, memoryAlerts, networkErrorsAlert, type HostTarget } from '../alerts/host.ts';
import { hostDashboard } from '../dashboards/host.ts';
import { alertKnob, jobName, ratio } from './knobs.ts';
import { exporterScrapeJob, exporterTarget, fixtureInstance, mixinDashboardUid, mixinTarget, tierKnob } from './exporter.ts';

const EXPORTER = 'node_exporter';

export const hostSchema = z
  .object({
    /** node_exporter targets, `host` or `host:port` (default port 9100). Omit with `ownJob: false`. */
    targets: z.array(exporterTarget).min(1).optional(),
    /** Job name, also the rule group name. @default 'node' */
    job: jobName.default('node'),
    /** Set to false when the job is defined elsewhere in the stack. @default true */
    ownJob: z.boolean().default(true),
    /** `service` label of the alerts. @default 'host' */
    component: z.string().min(1).default('host'),
    scrapeInterval: duration.optional(),
    /** Regex of filesystem types the filesystem alerts leave out. @default 'tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|fuse.*' */
    fstypeExclude: z.string().min(1).default('tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|fuse.*'),
    /** Regex of mount points the filesystem alerts leave out, e.g. `/boot.*`. */
    mountpointExclude: z.string().min(1).optional(),
    /** CPU busy %, all cores. Defaults: warning 80, no critical tier, for 15m. */
    cpu: tierKnob({ name: 'HostHighCpuUsage', for: '15m', warning: 80, critical: false }),
    /** Memory used % (1 - MemAvailable/MemTotal). Defaults: warning 80, critical 90, for 10m. */
    memory: tierKnob({ name: 'HostMemoryUsageHigh', for: '10m', warning: 80, critical: 90 }),
    /** Filesystem used % (non-root view). Defaults: warning 80, critical 90, for 15m. */
    disk: tierKnob({ name: 'HostDiskUsageHigh', for: '15m', warning: 80, critical: 90 }),
    /** Inodes used %. Defaults: warning 90, critical 95, for 30m. */
    inodes: tierKnob({ name: 'HostInodeUsageHigh', for: '30m', warning: 90, critical: 95 }),
    /** Free space predicted to run out. Defaults: window 6h, horizon 24h, only below 40% free, warning, for 1h. */
    diskFillingUp: alertKnob(
      { name: 'HostDiskFillingUp', for: '1h', severity: 'warning' },
      {
        /** Range of the linear prediction. */
        window: duration.default('6h'),
        /** How far ahead it looks. */
        horizon: duration.default('24h'),
        /** Only filesystems with less than this % free are judged. */
        freeBelow: percentNotFraction(z.number().gt(0).lt(100)).default(40),
      },
    ),
    /** Interface errors over packets. Defaults: above 0.01, minRate 1 packet/s, window 5m, deviceExclude 'lo', warning, for 15m. */
    networkErrors: alertKnob(
      { name: 'HostNetworkErrors', for: '15m', severity: 'warning' },
      {
        above: ratio.default(0.01),
        minRate: z.number().nonnegative().default(1),
        window: duration.default('5m'),
        deviceExclude: z.string().min(1).default('lo'),
      },
    ),
    /** Clock offset not converging. Defaults: above 50ms, warning, for 10m. */
    clockSkew: alertKnob({ name: 'HostClockSkew', for: '10m', severity: 'warning' }, { above: duration.default('50ms') }),
    /** Clock not synchronised by NTP. Defaults: warning, for 10m. */
    clockNotSynchronising: alertKnob({ name: 'HostClockNotSynchronising', for: '10m', severity: 'warning' }, {}),
    /** Generate the dashboard. @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type HostProps = z.input<typeof hostSchema>;
export type HostConfig = z.output<typeof hostSchema>;

export const host: (props: HostProps) => Component<HostConfig> = defineComponent('host', hostSchema, (props, ctx) => {
  const out = emptyContribution();
  const job = exporterScrapeJob(props, EXPORTER, ctx, 'host');
  if (job) out.scrapeJobs.push(job);
  const uid = mixinDashboardUid(ctx, 'host', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = hostDashboard({
      uid,
      job: props.job,
      component: props.component,
      stack: ctx.stack.name,
      datasource: ctx.datasource,
      fstypeExclude: props.fstypeExclude,
      ...(props.mountpointExclude ? { mountpointExclude: props.mountpointExclude } : {}),
      ...(props.cpu && props.cpu.warning !== false ? { cpu: props.cpu.warning } : {}),
      ...(props.memory && props.memory.warning !== false ? { memory: props.memory.warning } : {}),
      ...(props.disk && props.disk.warning !== false ? { disk: props.disk.warning } : {}),
      ...(props.inodes && props.inodes.warning !== false ? { inodes: props.inodes.warning } : {}),
      source: ctx.path,
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: HostTarget = {
    ...mixinTarget(ctx, props.component, props.job, uid, panelIds),
    instance: fixtureInstance(props.targets, EXPORTER, props.job),
    fstypeExclude: props.fstypeExclude,
    ...(props.mountpointExclude ? { mountpointExclude: props.mountpointExclude } : {}),
  };
  const p = ctx.path;
  const rules: Rule[] = [];
  if (props.cpu) rules.push(...cpuAlerts(t, props.cpu, `${p}.cpu`));
  if (props.memory) rules.push(...memoryAlerts(t, props.memory, `${p}.memory`));
  if (props.disk) rules.push(...diskAlerts(t, props.disk, `${p}.disk`));
  if (props.inodes) rules.push(...inodeAlerts(t, props.inodes, `${p}.inodes`));
  if (props.diskFillingUp) {
    if (durationMs(props.diskFillingUp.window) < 30 * 60_000) {
      ctx.diag.error(`${p}.diskFillingUp.window`, 'short-window', 'a prediction window under 30m follows every burst of writes', { value: props.diskFillingUp.window, hint: 'use a window of hours, e.g. 6h' });
    } else {
      // Its own group: its scenarios span hours, and a test file evaluates every rule it loads at every step.
      out.ruleGroups.push({ name: `${props.job}-prediction`, rules: [diskFillingUpAlert(t, props.diskFillingUp, `${p}.diskFillingUp`)], source: p });
    }
  }
  if (props.networkErrors) rules.push(networkErrorsAlert(t, props.networkErrors, `${p}.networkErrors`));
  if (props.clockSkew) rules.push(clockSkewAlert(t, { ...props.clockSkew, above: durationMs(props.clockSkew.above) / 1000 }, `${p}.clockSkew`));
  if (props.clockNotSynchronising) rules.push(clockNotSyncAlert(t, props.clockNotSynchronising, `${p}.clockNotSynchronising`));
  if (rules.length) out.ruleGroups.unshift({ name: props.job, rules, source: p });
  return out;
});
