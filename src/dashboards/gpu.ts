/** The GPU dashboard (dcgm-exporter): utilisation, framebuffer, temperature, power, XID errors. */
import type { DatasourceRef } from '../core/component.ts';
import { GPU_PANELS } from '../alerts/gpu.ts';
import { mixinBoard } from './mixinboard.ts';

export function gpuDashboard(p: { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; memory?: number; temperature?: number; source: string }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  return mixinBoard({
    uid: p.uid, title: `${p.component} / GPUs`, tags: ['gpu'], stack: p.stack, folder: p.stack, datasource: p.datasource, source: p.source,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(DCGM_FI_DEV_GPU_TEMP{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Load',
        panels: [
          { title: GPU_PANELS.utilisation, kind: 'timeseries', unit: 'percent', min: 0, max: 100, queries: [{ expr: `DCGM_FI_DEV_GPU_UTIL{${s}}`, legend: '{{instance}} gpu {{gpu}}' }] },
          { title: GPU_PANELS.memory, kind: 'timeseries', unit: 'percentunit', min: 0, max: 1, thresholds: p.memory !== undefined ? [{ value: p.memory, color: 'red' }] : undefined, queries: [{ expr: `DCGM_FI_DEV_FB_USED{${s}} / (DCGM_FI_DEV_FB_USED{${s}} + DCGM_FI_DEV_FB_FREE{${s}} > 0)`, legend: '{{instance}} gpu {{gpu}}' }] },
        ],
      },
      {
        title: 'Health',
        panels: [
          { title: GPU_PANELS.temperature, kind: 'timeseries', unit: 'celsius', thresholds: p.temperature !== undefined ? [{ value: p.temperature, color: 'orange' }] : undefined, queries: [{ expr: `DCGM_FI_DEV_GPU_TEMP{${s}}`, legend: '{{instance}} gpu {{gpu}}' }] },
          { title: 'Power draw', kind: 'timeseries', unit: 'watt', queries: [{ expr: `DCGM_FI_DEV_POWER_USAGE{${s}}`, legend: '{{instance}} gpu {{gpu}}' }] },
          { title: GPU_PANELS.xid, kind: 'table', unit: 'short', width: 24, queries: [{ expr: `DCGM_FI_DEV_XID_ERRORS{${s}} > 0` }], description: 'Last XID code per GPU; it stays until dcgm-exporter restarts.' },
        ],
      },
    ],
  });
}
