/**
 * Black-box probe alerts over blackbox_exporter: endpoint down (probe failing), TLS
 * certificate expiring (warning and critical) and slow probes.
 */
import { formatNumber } from '../core/decimal.ts';
import { durationMs } from '../core/duration.ts';
import type { AlertRule } from '../core/model.ts';
import { fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export const PROBE_PANELS = { success: 'Probe success', certificate: 'Certificate expires in', duration: 'Probe duration' } as const;

const TARGET = 'https://shop.example.com/health';

export function probeFailedAlert(t: MixinTarget, k: AlertKnobs, source: string): AlertRule {
  const labels = { instance: TARGET, job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(t, k, {
    expr: `probe_success{${sel(t.job)}} == 0`,
    summary: `${t.component}: an endpoint is down`,
    description: `The probe of {{ $labels.instance }} has failed for ${k.for}.`,
    panel: PROBE_PANELS.success,
    runbook: {
      meaning: 'blackbox_exporter cannot get a good answer from the endpoint (connection refused, timeout, TLS error, or a status code or body the module does not accept).',
      impact: 'Users reaching the endpoint the same way the probe does see it down.',
      diagnosis: [
        { title: 'HTTP status code of the probe', query: `probe_http_status_code{${sel(t.job)}}` },
        { title: 'Time per phase', query: `probe_http_duration_seconds{${sel(t.job)}}` },
      ],
      mitigation: ['Open the endpoint yourself; run the probe with &debug=true on the exporter (/probe?target=...&module=...&debug=true).', 'Check DNS, the load balancer and the service behind it.'],
    },
    tests: [
      { name: 'fires when the probe fails', series: [gauge('probe_success', labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
      quiet('stays quiet when the probe succeeds', [gauge('probe_success', labels, 1, n)], at),
    ],
  }, source);
}

export function certificateExpiryAlert(t: MixinTarget, k: AlertKnobs & { within: string }, source: string): AlertRule {
  const labels = { instance: TARGET, job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const withinS = durationMs(k.within) / 1000;
  const expiry = Math.floor(withinS / 2);
  return mixinAlert(t, k, {
    expr: `probe_ssl_earliest_cert_expiry{${sel(t.job)}} - time() < ${formatNumber(withinS)}`,
    summary: `${t.component}: a TLS certificate expires within ${k.within}`,
    description: 'The TLS certificate of {{ $labels.instance }} expires in {{ $value | humanizeDuration }}.',
    panel: PROBE_PANELS.certificate,
    runbook: {
      meaning: `The earliest-expiring certificate of the chain the endpoint serves expires within ${k.within}.`,
      impact: 'Once it expires, clients refuse the connection: the endpoint is down for them.',
      diagnosis: [{ title: 'Days left per endpoint', query: `(probe_ssl_earliest_cert_expiry{${sel(t.job)}} - time()) / 86400` }],
      mitigation: ['Renew the certificate (check why automatic renewal, e.g. cert-manager or certbot, did not).', 'Deploy it to every server/ingress that serves the host.'],
    },
    tests: [
      { name: `fires when the certificate expires at ${expiry}s`, series: [gauge('probe_ssl_earliest_cert_expiry', labels, expiry, n)], checks: firingChecks(k.for, at, [{ labels, value: expiry - durationMs(at) / 1000 }]) },
      quiet('stays quiet with a long-lived certificate', [gauge('probe_ssl_earliest_cert_expiry', labels, withinS * 4, n)], at),
    ],
  }, source);
}

export function probeSlowAlert(t: MixinTarget, k: AlertKnobs & { above: number; window: string }, source: string): AlertRule {
  const labels = { instance: TARGET, job: t.job };
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const slow = Math.floor(k.above) + 2;
  return mixinAlert(t, k, {
    expr: `avg_over_time(probe_duration_seconds{${sel(t.job)}}[${k.window}]) > ${formatNumber(k.above)}`,
    summary: `${t.component}: an endpoint answers slowly`,
    description: `Probes of {{ $labels.instance }} took {{ $value | humanizeDuration }} on average over the last ${k.window}.`,
    panel: PROBE_PANELS.duration,
    runbook: {
      meaning: `Probes of the endpoint have averaged more than ${formatNumber(k.above)}s for ${k.for}.`,
      impact: 'Users see the same slowness; near the probe timeout the endpoint will count as down.',
      diagnosis: [{ title: 'Time per phase (resolve, connect, tls, processing, transfer)', query: `probe_http_duration_seconds{${sel(t.job)}}` }],
      mitigation: ['A slow phase points at the cause: DNS (resolve), network (connect), TLS, or the service (processing).', 'Check the service\'s own latency and saturation.'],
    },
    tests: [
      { name: `fires at ${slow}s per probe`, series: [gauge('probe_duration_seconds', labels, slow, n)], checks: firingChecks(k.for, at, [{ labels, value: slow }]) },
      quiet('stays quiet for fast probes', [gauge('probe_duration_seconds', labels, k.above / 4, n)], at),
    ],
  }, source);
}
