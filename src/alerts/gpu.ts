/**
 * NVIDIA GPU alerts over dcgm-exporter: idle GPUs (utilisation, a cost signal),
 * framebuffer memory nearly full, temperature (warning and critical), XID errors.
 * DCGM quirks: utilisation is 0-100, framebuffer values are MiB, and the XID gauge
 * holds the last XID code until the exporter restarts.
 */
import { formatNumber } from '../core/decimal.ts';
import type { AlertRule } from '../core/model.ts';
import { fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export const GPU_PANELS = {
  utilisation: 'GPU utilisation',
  memory: 'Framebuffer memory used',
  temperature: 'GPU temperature',
  xid: 'XID errors',
} as const;

/** XID codes that mean the GPU needs attention (ECC, row remapping, NVLink, fallen off the bus, GSP). */
export const CRITICAL_XIDS = ['48', '63', '64', '74', '79', '92', '94', '95', '119', '120', '140'];

function gpuLabels(job: string) {
  return { Hostname: 'gpu-node-1', UUID: 'GPU-5f1c2d3e', device: 'nvidia0', gpu: '0', instance: 'dcgm-exporter:9400', job, modelName: 'NVIDIA A100-SXM4-40GB' };
}

export function gpuIdleAlert(t: MixinTarget, k: AlertKnobs & { below: number; window: string; onlyAllocated: boolean }, source: string): AlertRule {
  const s = sel(t.job, ...(k.onlyAllocated ? ['pod!=""'] : []));
  const labels = { ...gpuLabels(t.job), ...(k.onlyAllocated ? { namespace: 'ml', pod: 'trainer-0' } : {}) };
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const idle = Math.floor(k.below / 2);
  return mixinAlert(t, k, {
    expr: `avg_over_time(DCGM_FI_DEV_GPU_UTIL{${s}}[${k.window}]) < ${formatNumber(k.below)}`,
    summary: `${t.component}: a GPU is idle`,
    description: `GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.instance }} averaged {{ $value | humanize }}% utilisation over the last ${k.window}.`,
    panel: GPU_PANELS.utilisation,
    runbook: {
      meaning: `A GPU${k.onlyAllocated ? ' allocated to a pod' : ''} has averaged less than ${formatNumber(k.below)}% utilisation for ${k.for}: it costs money and does no work.`,
      impact: 'No user impact; wasted capacity and cost.',
      diagnosis: [{ title: 'Utilisation per GPU', query: `DCGM_FI_DEV_GPU_UTIL{${sel(t.job)}}` }, { title: 'Framebuffer used (MiB)', query: `DCGM_FI_DEV_FB_USED{${sel(t.job)}}` }],
      mitigation: ['Find the workload holding the GPU and ask its owner whether it is still needed.', 'Scale the node pool down, or share GPUs (MIG, time slicing).'],
    },
    tests: [
      { name: 'fires for an idle GPU', series: [gauge('DCGM_FI_DEV_GPU_UTIL', labels, idle, n)], checks: [{ at, firing: [{ labels, value: idle }] }] },
      quiet('stays quiet for a busy GPU', [gauge('DCGM_FI_DEV_GPU_UTIL', labels, 80, n)], at),
      ...(k.onlyAllocated ? [quiet('stays quiet for a GPU no pod holds', [gauge('DCGM_FI_DEV_GPU_UTIL', { ...gpuLabels(t.job), pod: '' }, idle, n)], at)] : []),
    ],
  }, source);
}

export function gpuMemoryAlert(t: MixinTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const s = sel(t.job);
  const labels = gpuLabels(t.job);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const TOTAL = 40960; // MiB
  const used = Math.round(TOTAL * ((1 + k.above) / 2));
  const fb = (u: number) => [gauge('DCGM_FI_DEV_FB_USED', labels, u, n), gauge('DCGM_FI_DEV_FB_FREE', labels, TOTAL - u, n)];
  return mixinAlert(t, k, {
    expr: `DCGM_FI_DEV_FB_USED{${s}}\n  /\n(DCGM_FI_DEV_FB_USED{${s}} + DCGM_FI_DEV_FB_FREE{${s}} > 0)\n> ${formatNumber(k.above)}`,
    summary: `${t.component}: GPU framebuffer memory nearly full`,
    description: 'GPU {{ $labels.gpu }} on {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its framebuffer memory.',
    panel: GPU_PANELS.memory,
    runbook: {
      meaning: `More than ${formatNumber(k.above * 100)}% of the GPU's framebuffer (used / (used + free), values in MiB) has been in use for ${k.for}.`,
      impact: 'New allocations fail with CUDA out-of-memory: jobs crash or inference requests fail.',
      diagnosis: [{ title: 'Used MiB per GPU', query: `DCGM_FI_DEV_FB_USED{${s}}` }],
      mitigation: ['Find the process holding the memory (nvidia-smi on the node).', 'Lower batch sizes or model size; move the workload to a larger GPU.'],
    },
    tests: [
      { name: 'fires near a full framebuffer', series: fb(used), checks: firingChecks(k.for, at, [{ labels, value: used / TOTAL }]) },
      quiet('stays quiet with memory left', fb(TOTAL / 2), at),
    ],
  }, source);
}

export function gpuTemperatureAlert(t: MixinTarget, k: AlertKnobs & { above: number }, source: string, level: 'warning' | 'critical'): AlertRule {
  const labels = gpuLabels(t.job);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const hot = Math.floor(k.above) + 3;
  return mixinAlert(t, k, {
    expr: `DCGM_FI_DEV_GPU_TEMP{${sel(t.job)}} > ${formatNumber(k.above)}`,
    summary: `${t.component}: GPU temperature above ${formatNumber(k.above)}°C`,
    description: 'GPU {{ $labels.gpu }} on {{ $labels.instance }} runs at {{ $value }}°C.',
    panel: GPU_PANELS.temperature,
    runbook: {
      meaning: `The GPU core temperature has been above ${formatNumber(k.above)}°C for ${k.for}${level === 'critical' ? ': the GPU is close to its slowdown or shutdown temperature' : ''}.`,
      impact: 'Hot GPUs throttle their clocks (slower jobs) and, near the shutdown temperature, stop.',
      diagnosis: [{ title: 'Temperature per GPU', query: `DCGM_FI_DEV_GPU_TEMP{${sel(t.job)}}` }, { title: 'Power draw (W)', query: `DCGM_FI_DEV_POWER_USAGE{${sel(t.job)}}` }],
      mitigation: ['Check the node\'s fans, airflow and the data-centre cooling.', 'Move load off the GPU; cap its power (nvidia-smi -pl).'],
    },
    tests: [
      { name: `fires at ${hot}°C`, series: [gauge('DCGM_FI_DEV_GPU_TEMP', labels, hot, n)], checks: firingChecks(k.for, at, [{ labels, value: hot }]) },
      quiet(`stays quiet at ${formatNumber(Math.floor(k.above))}°C`, [gauge('DCGM_FI_DEV_GPU_TEMP', labels, Math.floor(k.above), n)], at),
    ],
  }, source);
}

export function gpuXidAlert(t: MixinTarget, k: AlertKnobs & { codes?: string[] }, source: string): AlertRule {
  const codes = k.codes;
  const s = sel(t.job, ...(codes ? [`err_code=~${JSON.stringify(codes.join('|'))}`] : []));
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const code = codes ? codes.includes('79') ? '79' : codes[0]! : '13';
  const xid = (c: string, v: number) => gauge('DCGM_FI_DEV_XID_ERRORS', { ...gpuLabels(t.job), err_code: c }, v, n);
  const tests = [
    { name: `fires after XID ${code}`, series: [xid(code, Number(code))], checks: firingChecks(k.for, at, [{ labels: { ...gpuLabels(t.job), err_code: code }, value: Number(code) }]) },
    quiet('stays quiet without XID errors', [xid('0', 0)], at),
  ];
  if (codes && !codes.includes('13')) tests.push(quiet('stays quiet for an application XID (13)', [xid('13', 13)], at));
  return mixinAlert(t, k, {
    expr: `DCGM_FI_DEV_XID_ERRORS{${s}} > 0`,
    summary: codes ? `${t.component}: a GPU reported a critical XID error` : `${t.component}: a GPU reported an XID error`,
    description: 'GPU {{ $labels.gpu }} on {{ $labels.instance }} reported XID {{ $value }}.',
    panel: GPU_PANELS.xid,
    runbook: {
      meaning: codes
        ? `The driver reported an XID in ${codes.join(', ')}: ECC, row-remapping, NVLink, GSP errors or a GPU fallen off the bus. The GPU needs service.`
        : 'The driver reported an XID error. 13, 31, 43 and 45 are usually application faults; the others point at the hardware or driver.',
      impact: 'Jobs on the GPU crash or hang; a GPU fallen off the bus is gone until the node reboots.',
      diagnosis: [
        { title: 'Last XID per GPU', query: `DCGM_FI_DEV_XID_ERRORS{${sel(t.job)}} > 0` },
        { title: 'Row remap failures', query: `DCGM_FI_DEV_ROW_REMAP_FAILURE{${sel(t.job)}} > 0` },
      ],
      mitigation: [
        'Read the kernel log on the node (dmesg | grep -i xid) for the full message.',
        'Drain the node and run the NVIDIA diagnostics (dcgmi diag); reset or replace the GPU.',
        'The gauge keeps the last XID until dcgm-exporter restarts: restart it after the fix to clear the alert.',
      ],
    },
    tests,
  }, source);
}
