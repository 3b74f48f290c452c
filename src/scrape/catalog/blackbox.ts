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

/**
 * The modules obsgen can write into a generated blackbox.yml, by name (the names of the
 * exporter's example config). Each is a module body in blackbox.yml's own keys.
 */
export const BLACKBOX_MODULES: Record<string, Record<string, unknown>> = {
  http_2xx: { prober: 'http', timeout: '5s', http: { preferred_ip_protocol: 'ip4' } },
  http_post_2xx: { prober: 'http', timeout: '5s', http: { method: 'POST', preferred_ip_protocol: 'ip4' } },
  tcp_connect: { prober: 'tcp', timeout: '5s', tcp: { preferred_ip_protocol: 'ip4' } },
  tls_connect: { prober: 'tcp', timeout: '5s', tcp: { tls: true, preferred_ip_protocol: 'ip4' } },
};
