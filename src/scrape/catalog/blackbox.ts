/**
 * blackbox_exporter (:9115, `/probe?target=<url>&module=<module>`): the probe metrics the
 * probes mixin reads (prometheus/blackbox_exporter prober/*.go). exporters.json does not
 * hold this exporter.
 */
import { registerExporter } from './index.ts';

export const BLACKBOX_EXPORTER = 'blackbox_exporter';

registerExporter({
  key: BLACKBOX_EXPORTER,
  defaultPort: 9115,
  path: '/probe',
  jobHint: 'blackbox',
  metrics: [
    { name: 'probe_success', type: 'gauge', labels: [], note: '1 when the probe succeeded' },
    { name: 'probe_duration_seconds', type: 'gauge', labels: [], unit: 'seconds' },
    { name: 'probe_http_status_code', type: 'gauge', labels: [] },
    { name: 'probe_http_duration_seconds', type: 'gauge', labels: ['phase'], unit: 'seconds', note: 'phase: resolve|connect|tls|processing|transfer' },
    { name: 'probe_http_ssl', type: 'gauge', labels: [] },
    { name: 'probe_ssl_earliest_cert_expiry', type: 'gauge', labels: [], unit: 'seconds', note: 'unix time; only for TLS probes' },
    { name: 'probe_ssl_last_chain_expiry_timestamp_seconds', type: 'gauge', labels: [], unit: 'seconds' },
    { name: 'probe_dns_lookup_time_seconds', type: 'gauge', labels: [], unit: 'seconds' },
  ],
});
