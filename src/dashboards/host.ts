/** The host dashboard (node_exporter): CPU, memory, disks, inodes, network, clock. */
import type { DatasourceRef } from '../core/component.ts';
import { fsSelector, HOST_PANELS } from '../alerts/host.ts';
import { mixinBoard } from './mixinboard.ts';

export interface HostDashboardProps {
  uid: string;
  job: string;
  component: string;
  stack: string;
  datasource: DatasourceRef;
  fstypeExclude: string;
  mountpointExclude?: string;
  cpu?: number;
  memory?: number;
  disk?: number;
  inodes?: number;
  source: string;
}

export function hostDashboard(p: HostDashboardProps) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  const fs = `${fsSelector(p)},instance=~"$instance"`;
  const th = (v?: number) => (v !== undefined ? [{ value: v, color: 'red' }] : undefined);
  return mixinBoard({
    uid: p.uid,
    title: `${p.component} / Hosts`,
    tags: ['host', 'node-exporter'],
    stack: p.stack,
    folder: p.stack,
    datasource: p.datasource,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(node_uname_info{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Overview',
        panels: [
          { title: 'Hosts up', kind: 'stat', unit: 'short', queries: [{ expr: `sum(up{${s}})` }] },
          { title: 'Busiest CPU', kind: 'stat', unit: 'percent', thresholds: th(p.cpu), queries: [{ expr: `max(100 * (1 - avg by (instance) (sum without (mode) (rate(node_cpu_seconds_total{${s},mode=~"idle|iowait"}[5m])))))` }] },
          { title: 'Fullest memory', kind: 'stat', unit: 'percent', thresholds: th(p.memory), queries: [{ expr: `max(100 * (1 - node_memory_MemAvailable_bytes{${s}} / node_memory_MemTotal_bytes{${s}}))` }] },
          { title: 'Fullest filesystem', kind: 'stat', unit: 'percent', thresholds: th(p.disk), queries: [{ expr: `max(100 * (1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}}))` }] },
        ],
      },
      {
        title: 'CPU and memory',
        panels: [
          {
            title: HOST_PANELS.cpu,
            kind: 'timeseries',
            unit: 'percent',
            min: 0,
            max: 100,
            thresholds: th(p.cpu),
            description: 'Share of CPU time not idle and not waiting for I/O, all cores.',
            queries: [{ expr: `100 * (1 - avg by (instance) (sum without (mode) (rate(node_cpu_seconds_total{${s},mode=~"idle|iowait"}[$__rate_interval]))))`, legend: '{{instance}}' }],
          },
          {
            title: HOST_PANELS.memory,
            kind: 'timeseries',
            unit: 'percent',
            min: 0,
            max: 100,
            thresholds: th(p.memory),
            description: 'Memory not available to new allocations (MemAvailable counts reclaimable cache as free).',
            queries: [{ expr: `100 * (1 - node_memory_MemAvailable_bytes{${s}} / node_memory_MemTotal_bytes{${s}})`, legend: '{{instance}}' }],
          },
          { title: 'Load per core', kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `node_load1{${s}} / count without (cpu, mode) (node_cpu_seconds_total{${s},mode="idle"})`, legend: '{{instance}}' }] },
        ],
      },
      {
        title: 'Disks',
        panels: [
          { title: HOST_PANELS.disk, kind: 'timeseries', unit: 'percent', min: 0, max: 100, thresholds: th(p.disk), queries: [{ expr: `100 * (1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}})`, legend: '{{instance}} {{mountpoint}}' }] },
          { title: HOST_PANELS.diskFree, kind: 'timeseries', unit: 'bytes', min: 0, description: 'Space available to non-root users; the alert extrapolates this line.', queries: [{ expr: `node_filesystem_avail_bytes{${fs}}`, legend: '{{instance}} {{mountpoint}}' }] },
          { title: HOST_PANELS.inodes, kind: 'timeseries', unit: 'percent', min: 0, max: 100, thresholds: th(p.inodes), queries: [{ expr: `100 * (1 - node_filesystem_files_free{${fs}} / node_filesystem_files{${fs}})`, legend: '{{instance}} {{mountpoint}}' }] },
          { title: 'Disk I/O time', kind: 'timeseries', unit: 'percentunit', min: 0, description: 'Share of time each device was busy.', queries: [{ expr: `rate(node_disk_io_time_seconds_total{${s}}[$__rate_interval])`, legend: '{{instance}} {{device}}' }] },
        ],
      },
      {
        title: 'Network and clock',
        panels: [
          { title: 'Network traffic', kind: 'timeseries', unit: 'Bps', queries: [{ expr: `rate(node_network_receive_bytes_total{${s},device!="lo"}[$__rate_interval])`, legend: '{{instance}} {{device}} in' }, { expr: `rate(node_network_transmit_bytes_total{${s},device!="lo"}[$__rate_interval])`, legend: '{{instance}} {{device}} out' }] },
          { title: HOST_PANELS.network, kind: 'timeseries', unit: 'pps', min: 0, queries: [{ expr: `rate(node_network_receive_errs_total{${s}}[$__rate_interval]) + rate(node_network_transmit_errs_total{${s}}[$__rate_interval])`, legend: '{{instance}} {{device}}' }] },
          { title: HOST_PANELS.clock, kind: 'timeseries', unit: 's', queries: [{ expr: `node_timex_offset_seconds{${s}}`, legend: '{{instance}}' }] },
        ],
      },
    ],
    source: p.source,
  });
}
