/**
 * Linux host alerts over node_exporter: CPU, memory, disk usage and inodes (each a
 * warning/critical pair), disk filling up (predict_linear on the free space), network
 * errors (guarded by a minimum packet rate), clock skew and an unsynchronised clock.
 * Filesystem alerts skip read-only mounts and the excluded types (tmpfs, overlay, ...).
 */
import { formatNumber } from '../core/decimal.ts';
import { durationMs, durationSeconds } from '../core/duration.ts';
import type { AlertRule, AlertScenario, InputSeries, Labels } from '../core/model.ts';
import { counter, fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';
import { tieredAlerts, type TierKnobs } from './tiered.ts';

export const HOST_PANELS = {
  cpu: 'CPU usage',
  memory: 'Memory usage',
  disk: 'Disk usage',
  diskFree: 'Disk space left',
  inodes: 'Inode usage',
  network: 'Network errors',
  clock: 'Clock offset',
} as const;

export interface HostTarget extends MixinTarget {
  instance: string;
  /** Regex of filesystem types left out. */
  fstypeExclude: string;
  /** Regex of mount points left out. */
  mountpointExclude?: string;
}

/** The filesystem selector: real, writable-candidate mounts without the excluded types. */
export function fsSelector(t: Pick<HostTarget, 'job' | 'fstypeExclude' | 'mountpointExclude'>): string {
  return sel(
    t.job,
    'fstype!=""',
    'mountpoint!=""',
    `fstype!~${JSON.stringify(t.fstypeExclude)}`,
    ...(t.mountpointExclude ? [`mountpoint!~${JSON.stringify(t.mountpointExclude)}`] : []),
  );
}

const SIZE = 1_000_000_000;

function pct(n: number): string {
  return `${formatNumber(n)}%`;
}

export function cpuAlerts(t: HostTarget, k: TierKnobs, source: string): AlertRule[] {
  const s = sel(t.job, 'mode=~"idle|iowait"');
  const labels = { instance: t.instance, job: t.job };
  return tieredAlerts(
    t,
    k,
    {
      expr: (th) => `100 * (1 - avg by (instance, job) (sum without (mode) (rate(node_cpu_seconds_total{${s}}[5m])))) > ${formatNumber(th)}`,
      summary: (th) => `${t.component}: CPU usage above ${pct(th)}`,
      description: 'CPU usage of {{ $labels.instance }} is {{ $value | humanize }}% (all cores, idle and iowait excluded) over the last 5m.',
      panel: HOST_PANELS.cpu,
      runbook: () => ({
        meaning: 'The host spends most of its CPU time busy (user, system, steal, irq) across all cores.',
        impact: 'Requests served from this host slow down; batch work queues up. Saturated CPU alone is not an outage, but it often precedes one.',
        diagnosis: [
          { title: 'Usage by mode', query: `sum by (mode) (rate(node_cpu_seconds_total{${sel(t.job)},instance="<instance>"}[5m]))` },
          { title: 'Load per core', query: `node_load1{${sel(t.job)}} / count without (cpu, mode) (node_cpu_seconds_total{${sel(t.job)},mode="idle"})` },
          { title: 'CPU pressure (PSI)', query: `rate(node_pressure_cpu_waiting_seconds_total{${sel(t.job)}}[5m])` },
        ],
        mitigation: [
          'Find the processes using the CPU on the host (top, pidstat) and whether a deploy or a job started them.',
          'High steal means a noisy neighbour or an undersized VM: move or resize it.',
          'Scale out the service or move batch work elsewhere.',
        ],
      }),
    },
    {
      labels,
      max: 100,
      window: '5m',
      at: (level, n) => {
        const idlePerSec = Math.round((1 - level / 100) * 1e6) / 1e6;
        const series: InputSeries[] = [];
        for (const cpu of ['0', '1']) {
          series.push(counter('node_cpu_seconds_total', { ...labels, cpu, mode: 'idle' }, idlePerSec, n));
          series.push(counter('node_cpu_seconds_total', { ...labels, cpu, mode: 'iowait' }, 0, n));
        }
        return { series, value: 100 * (1 - idlePerSec) };
      },
    },
    source,
  );
}

export function memoryAlerts(t: HostTarget, k: TierKnobs, source: string): AlertRule[] {
  const s = sel(t.job);
  const labels = { instance: t.instance, job: t.job };
  return tieredAlerts(
    t,
    k,
    {
      expr: (th) => `100 * (1 - node_memory_MemAvailable_bytes{${s}} / (node_memory_MemTotal_bytes{${s}} > 0)) > ${formatNumber(th)}`,
      summary: (th) => `${t.component}: memory usage above ${pct(th)}`,
      description: '{{ $labels.instance }} uses {{ $value | humanize }}% of its memory (MemAvailable counts reclaimable cache as free).',
      panel: HOST_PANELS.memory,
      runbook: () => ({
        meaning: 'Little memory is available to new allocations, page cache included.',
        impact: 'The kernel reclaims cache (more disk reads), then swaps or OOM-kills processes.',
        diagnosis: [
          { title: 'Available vs total', query: `node_memory_MemAvailable_bytes{${s}} / node_memory_MemTotal_bytes{${s}}` },
          { title: 'OOM kills', query: `increase(node_vmstat_oom_kill{${s}}[1h])` },
          { title: 'Major page faults', query: `rate(node_vmstat_pgmajfault{${s}}[5m])` },
        ],
        mitigation: [
          'Find the processes that grew (ps, smem) and whether one leaks.',
          'Restart a leaking process only after capturing a heap profile if you can.',
          'Add memory or move workloads off the host.',
        ],
      }),
    },
    {
      labels,
      max: 100,
      at: (level, n) => {
        const avail = Math.round(SIZE * (1 - level / 100));
        return {
          series: [gauge('node_memory_MemAvailable_bytes', labels, avail, n), gauge('node_memory_MemTotal_bytes', labels, SIZE, n)],
          value: 100 * (1 - avail / SIZE),
        };
      },
    },
    source,
  );
}

function fsLabels(t: HostTarget, extra: Labels = {}): Labels {
  return { device: '/dev/sda1', fstype: 'ext4', instance: t.instance, job: t.job, mountpoint: '/', ...extra };
}

/** Guard scenarios of the filesystem alerts: a read-only mount and an excluded type, both full. */
function fsGuards(t: HostTarget, series: (labels: Labels, readonly: number, n: number) => InputSeries[]) {
  return (_level: number, n: number, at: string): AlertScenario[] => {
    const excluded = t.fstypeExclude.split('|').find((x) => /^[a-z0-9]+$/.test(x)) ?? 'tmpfs';
    return [
      quiet('stays quiet on a read-only filesystem', series(fsLabels(t), 1, n), at),
      quiet(`stays quiet on an excluded filesystem type (${excluded})`, series(fsLabels(t, { device: excluded, fstype: excluded, mountpoint: '/run' }), 0, n), at),
    ];
  };
}

export function diskAlerts(t: HostTarget, k: TierKnobs, source: string): AlertRule[] {
  const fs = fsSelector(t);
  const labels = fsLabels(t);
  const series = (l: Labels, avail: number, readonly: number, n: number) => [
    gauge('node_filesystem_avail_bytes', l, avail, n),
    gauge('node_filesystem_size_bytes', l, SIZE, n),
    gauge('node_filesystem_readonly', l, readonly, n),
  ];
  const fullAvail = Math.round(SIZE * 0.01);
  return tieredAlerts(
    t,
    k,
    {
      expr: (th) =>
        `(\n  100 * (1 - node_filesystem_avail_bytes{${fs}} / (node_filesystem_size_bytes{${fs}} > 0)) > ${formatNumber(th)}\nand\n  node_filesystem_readonly{${fs}} == 0\n)`,
      summary: (th) => `${t.component}: a filesystem is more than ${pct(th)} full`,
      description: 'Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} is {{ $value | humanize }}% full.',
      panel: HOST_PANELS.disk,
      runbook: () => ({
        meaning: 'A writable filesystem has little space left for non-root users (node_filesystem_avail_bytes, which leaves out the root-reserved blocks).',
        impact: 'When it is full, writes fail: databases stop, logs are lost, services crash.',
        diagnosis: [
          { title: 'Usage per mount', query: `100 * (1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}})` },
          { title: 'How fast it fills (bytes/hour)', query: `deriv(node_filesystem_avail_bytes{${fs}}[1h]) * 3600` },
        ],
        mitigation: [
          'Find what grew (du -xh --max-depth=2 on the mount): logs, core dumps, old releases, database WAL.',
          'Delete or rotate what can go; check log rotation works.',
          'Grow the volume if the growth is legitimate.',
        ],
      }),
    },
    {
      labels,
      max: 100,
      at: (level, n) => {
        const avail = Math.round(SIZE * (1 - level / 100));
        return { series: series(labels, avail, 0, n), value: 100 * (1 - avail / SIZE) };
      },
      guards: fsGuards(t, (l, ro, n) => series(l, fullAvail, ro, n)),
    },
    source,
  );
}

export function inodeAlerts(t: HostTarget, k: TierKnobs, source: string): AlertRule[] {
  const fs = fsSelector(t);
  const labels = fsLabels(t);
  const FILES = 10_000_000;
  const series = (l: Labels, free: number, readonly: number, n: number) => [
    gauge('node_filesystem_files_free', l, free, n),
    gauge('node_filesystem_files', l, FILES, n),
    gauge('node_filesystem_readonly', l, readonly, n),
  ];
  return tieredAlerts(
    t,
    k,
    {
      expr: (th) =>
        `(\n  100 * (1 - node_filesystem_files_free{${fs}} / (node_filesystem_files{${fs}} > 0)) > ${formatNumber(th)}\nand\n  node_filesystem_readonly{${fs}} == 0\n)`,
      summary: (th) => `${t.component}: a filesystem has used more than ${pct(th)} of its inodes`,
      description: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has used {{ $value | humanize }}% of its inodes.',
      panel: HOST_PANELS.inodes,
      runbook: () => ({
        meaning: 'The filesystem is running out of inodes: many small files.',
        impact: 'New files cannot be created even with free space left: writes fail with "No space left on device".',
        diagnosis: [{ title: 'Inode usage per mount', query: `100 * (1 - node_filesystem_files_free{${fs}} / node_filesystem_files{${fs}})` }],
        mitigation: ['Find directories with many files (find <mount> -xdev -type f | cut -d/ -f2-3 | sort | uniq -c | sort -n).', 'Clean up session, cache or mail spool files; fix the process that leaks them.'],
      }),
    },
    {
      labels,
      max: 100,
      at: (level, n) => {
        const free = Math.round(FILES * (1 - level / 100));
        return { series: series(labels, free, 0, n), value: 100 * (1 - free / FILES) };
      },
      guards: fsGuards(t, (l, ro, n) => series(l, FILES / 100, ro, n)),
    },
    source,
  );
}

export interface FillingUpKnobs extends AlertKnobs {
  /** Range of the linear prediction. */
  window: string;
  /** How far ahead the prediction looks. */
  horizon: string;
  /** Only judge filesystems with less than this share (percent) free. */
  freeBelow: number;
}

export function diskFillingUpAlert(t: HostTarget, k: FillingUpKnobs, source: string): AlertRule {
  const fs = fsSelector(t);
  const labels = fsLabels(t);
  const horizonS = durationSeconds(k.horizon);
  const expr =
    `(\n  100 * node_filesystem_avail_bytes{${fs}} / (node_filesystem_size_bytes{${fs}} > 0) < ${formatNumber(k.freeBelow)}\n` +
    `and\n  predict_linear(node_filesystem_avail_bytes{${fs}}[${k.window}], ${formatNumber(horizonS)}) < 0\n` +
    `and\n  node_filesystem_readonly{${fs}} == 0\n)`;
  // Samples every 5m; the free space falls by `drop` per sample so that it is gone within the horizon.
  const interval = 5 * 60_000;
  const at = fireAt(k.for, k.window);
  const n = Math.ceil(durationMs(at) / interval) + 5;
  const atSample = Math.floor(durationMs(at) / interval);
  const samplesPerHorizon = (horizonS * 1000) / interval;
  const freeAt = Math.round((SIZE * k.freeBelow) / 200); // half the threshold at the check
  const drop = Math.ceil((freeAt * 2) / samplesPerHorizon);
  const start = freeAt + drop * atSample;
  const falling = (l: Labels, from: number, readonly: number): InputSeries[] => [
    { series: seriesOf('node_filesystem_avail_bytes', l), values: `${from}-${drop}x${n}` },
    gauge('node_filesystem_size_bytes', l, SIZE, n),
    gauge('node_filesystem_readonly', l, readonly, n),
  ];
  const value = (100 * (start - drop * atSample)) / SIZE;
  const roomy = Math.round(SIZE * 0.95);
  const tests: AlertScenario[] = [
    {
      name: `fires when ${formatNumber(value)}% is left and the trend empties it within ${k.horizon}`,
      interval: '5m',
      series: falling(labels, start, 0),
      checks: firingChecks(k.for, at, [{ labels, value }]),
    },
    {
      ...quiet('stays quiet when the free space is low but steady', [gauge('node_filesystem_avail_bytes', labels, freeAt, n), gauge('node_filesystem_size_bytes', labels, SIZE, n), gauge('node_filesystem_readonly', labels, 0, n)], at),
      interval: '5m',
    },
    { ...quiet(`stays quiet while more than ${formatNumber(k.freeBelow)}% is free, even when falling`, falling(labels, roomy, 0), at), interval: '5m' },
    { ...quiet('stays quiet on a read-only filesystem', falling(labels, start, 1), at), interval: '5m' },
  ];
  return mixinAlert(
    t,
    k,
    {
      expr,
      summary: `${t.component}: a filesystem is predicted to fill up within ${k.horizon}`,
      description: `Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} has {{ $value | humanize }}% space left and, at the rate of the last ${k.window}, fills up within ${k.horizon}.`,
      panel: HOST_PANELS.diskFree,
      runbook: {
        meaning: `The free space of a writable filesystem falls fast enough that a linear prediction over the last ${k.window} reaches zero within ${k.horizon}, and less than ${formatNumber(k.freeBelow)}% is left.`,
        impact: 'When it is full, writes fail: databases stop, logs are lost, services crash.',
        diagnosis: [
          { title: 'Free space trend', query: `node_filesystem_avail_bytes{${fs}}` },
          { title: 'Predicted free space at the horizon', query: `predict_linear(node_filesystem_avail_bytes{${fs}}[${k.window}], ${formatNumber(horizonS)})` },
        ],
        mitigation: ['Find the writer (du, lsof +L1 for deleted-but-open files) and stop or rotate it.', 'Grow the volume before it fills if the growth is expected.'],
      },
      tests,
    },
    source,
  );
}

function seriesOf(metric: string, labels: Labels): string {
  return `${metric}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
}

export interface NetworkErrorKnobs extends AlertKnobs {
  /** Share of packets (0-1). */
  above: number;
  /** Packets per second below which the ratio is not judged. */
  minRate: number;
  window: string;
  /** Regex of interfaces left out. */
  deviceExclude: string;
}

export function networkErrorsAlert(t: HostTarget, k: NetworkErrorKnobs, source: string): AlertRule {
  const s = sel(t.job, `device!~${JSON.stringify(k.deviceExclude)}`);
  const w = k.window;
  const expr =
    `(\n  rate(node_network_receive_errs_total{${s}}[${w}]) + rate(node_network_transmit_errs_total{${s}}[${w}])\n)\n  /\n` +
    `(\n  rate(node_network_receive_packets_total{${s}}[${w}]) + rate(node_network_transmit_packets_total{${s}}[${w}]) > ${formatNumber(k.minRate)}\n)\n> ${formatNumber(k.above)}`;
  const at = fireAt(k.for, w);
  const n = stepsFor(at);
  const labels = { device: 'eth0', instance: t.instance, job: t.job };
  const series = (rxPkts: number, txPkts: number, rxErrs: number) => [
    counter('node_network_receive_packets_total', labels, rxPkts, n),
    counter('node_network_transmit_packets_total', labels, txPkts, n),
    counter('node_network_receive_errs_total', labels, rxErrs, n),
    counter('node_network_transmit_errs_total', labels, 0, n),
  ];
  const total = Math.max(100, Math.ceil(k.minRate * 4));
  const errs = Math.min(total, Math.ceil(total * 2 * k.above));
  const tests: AlertScenario[] = [
    { name: `fires when ${errs} of ${total} packets/s fail`, series: series(total / 2, total / 2, errs), checks: firingChecks(k.for, at, [{ labels, value: errs / total }]) },
    quiet('stays quiet below the threshold', series(total / 2, total / 2, Math.floor(total * k.above * 0.5)), at),
    quiet('stays quiet on an idle interface', series(0, 0, 0), at),
  ];
  if (k.minRate > 0) tests.push(quiet('stays quiet under the minimum packet rate even when every packet fails', series(k.minRate / 2, 0, k.minRate / 2), at));
  return mixinAlert(
    t,
    k,
    {
      expr,
      summary: `${t.component}: network interface errors above ${formatNumber(k.above * 100)}% of packets`,
      description: `{{ $value | humanizePercentage }} of the packets of {{ $labels.device }} on {{ $labels.instance }} had errors over the last ${w}.`,
      panel: HOST_PANELS.network,
      runbook: {
        meaning: 'The interface reports receive or transmit errors (CRC, frame, FIFO overruns) for a noticeable share of its packets.',
        impact: 'Retransmissions slow connections; heavy loss breaks them.',
        diagnosis: [
          { title: 'Errors per second by direction', query: `rate(node_network_receive_errs_total{${s}}[5m]) or rate(node_network_transmit_errs_total{${s}}[5m])` },
          { title: 'Drops', query: `rate(node_network_receive_drop_total{${s}}[5m])` },
        ],
        mitigation: ['Check the cable, switch port and NIC (ethtool -S).', 'Check for duplex or MTU mismatches.', 'Move traffic off the host if the NIC is failing.'],
      },
      tests,
    },
    source,
  );
}

export interface ClockSkewKnobs extends AlertKnobs {
  /** Offset, in seconds. */
  above: number;
}

export function clockSkewAlert(t: HostTarget, k: ClockSkewKnobs, source: string): AlertRule {
  const s = sel(t.job);
  const th = formatNumber(k.above);
  const expr =
    `(\n  node_timex_offset_seconds{${s}} > ${th}\nand\n  deriv(node_timex_offset_seconds{${s}}[5m]) >= 0\n)\nor\n` +
    `(\n  node_timex_offset_seconds{${s}} < -${th}\nand\n  deriv(node_timex_offset_seconds{${s}}[5m]) <= 0\n)`;
  const at = fireAt(k.for, '5m');
  const n = stepsFor(at);
  const labels = { instance: t.instance, job: t.job };
  const off = k.above * 2;
  const atMin = Math.round(durationMs(at) / 60_000);
  const step = k.above / 10;
  return mixinAlert(
    t,
    k,
    {
      expr,
      summary: `${t.component}: clock off by more than ${th}s`,
      description: 'The clock of {{ $labels.instance }} is off by {{ $value | humanizeDuration }} and not converging.',
      panel: HOST_PANELS.clock,
      runbook: {
        meaning: `The kernel reports a clock offset above ${th}s that NTP is not reducing.`,
        impact: 'Timestamps disagree across hosts: TLS, token expiry, distributed locks and log correlation break.',
        diagnosis: [
          { title: 'Offset', query: `node_timex_offset_seconds{${s}}` },
          { title: 'Synchronised', query: `node_timex_sync_status{${s}}` },
        ],
        mitigation: ['Check the NTP daemon (chronyc tracking, timedatectl).', 'Check that the NTP servers are reachable (UDP 123).'],
      },
      tests: [
        { name: 'fires on a steady positive offset', series: [gauge('node_timex_offset_seconds', labels, off, n)], checks: firingChecks(k.for, at, [{ labels, value: off }]) },
        { name: 'fires on a steady negative offset', series: [gauge('node_timex_offset_seconds', labels, -off, n)], checks: [{ at, firing: [{ labels, value: -off }] }] },
        quiet('stays quiet on a small offset', [gauge('node_timex_offset_seconds', labels, k.above / 2, n)], at),
        quiet('stays quiet while the offset converges', [{ series: seriesOf('node_timex_offset_seconds', labels), values: `${formatNumber(off + step * atMin)}-${formatNumber(step)}x${n}` }], at),
      ],
    },
    source,
  );
}

export function clockNotSyncAlert(t: HostTarget, k: AlertKnobs, source: string): AlertRule {
  const s = sel(t.job);
  const at = fireAt(k.for, '5m');
  const n = stepsFor(at);
  const labels = { instance: t.instance, job: t.job };
  const series = (sync: number, maxerr: number) => [gauge('node_timex_sync_status', labels, sync, n), gauge('node_timex_maxerror_seconds', labels, maxerr, n)];
  return mixinAlert(
    t,
    k,
    {
      expr: `min_over_time(node_timex_sync_status{${s}}[5m]) == 0\nand\nnode_timex_maxerror_seconds{${s}} >= 16`,
      summary: `${t.component}: clock not synchronising`,
      description: 'The clock of {{ $labels.instance }} has not been synchronised by NTP for 5m and its estimated error reached the maximum.',
      panel: HOST_PANELS.clock,
      runbook: {
        meaning: 'The kernel says the clock is not synchronised and the estimated error is at its 16s maximum: NTP is not steering the clock.',
        impact: 'The clock drifts freely; skew alerts follow.',
        diagnosis: [{ title: 'Sync status and max error', query: `node_timex_sync_status{${s}} or node_timex_maxerror_seconds{${s}}` }],
        mitigation: ['Start or fix the NTP daemon (chronyd, systemd-timesyncd).', 'Check firewall rules for UDP 123.'],
      },
      tests: [
        { name: 'fires when not synchronised', series: series(0, 16), checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
        quiet('stays quiet when synchronised', series(1, 0.5), at),
        quiet('stays quiet while the error estimate is still small', series(0, 0.5), at),
      ],
    },
    source,
  );
}
