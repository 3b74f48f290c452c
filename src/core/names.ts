/** Name rules of Prometheus and of obsgen's conventions, with the hint each error shows. */
export const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const ALERT_NAME_RE = /^[A-Z][A-Za-z0-9]*$/;
/** `level:metric:operations`, e.g. `job:http_requests:rate5m`. */
export const RECORDING_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*(:[a-zA-Z0-9_]+)+$/;
export const STACK_NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** host:port, host a DNS name, IPv4 or bracketed IPv6. */
export const TARGET_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})$/;

/**
 * Names instrumentation libraries give the HTTP status code label. A service declares which one
 * it uses (httpService metrics.codeLabel); a query matching another of them on its metrics is
 * always empty.
 */
export const STATUS_CODE_LABELS = ['code', 'status', 'status_code', 'statuscode', 'http_status', 'http_status_code', 'http_code', 'response_code', 'http_response_status_code'];

export const METRIC_NAME_HINT = 'metric names match [a-zA-Z_:][a-zA-Z0-9_:]*';
export const LABEL_NAME_HINT = 'label names match [a-zA-Z_][a-zA-Z0-9_]* and must not start with __ (reserved)';
export const ALERT_NAME_HINT = 'alert names are PascalCase, e.g. HighErrorRatio';
export const RECORDING_NAME_HINT = 'recording rules are named level:metric:operations, e.g. job:http_requests:rate5m';
export const TARGET_HINT = 'targets are host:port, e.g. api:8000 or 10.0.0.5:9100 (no scheme, no path)';

export function isValidTarget(target: string): boolean {
  const m = TARGET_RE.exec(target);
  if (!m) return false;
  const port = Number(m[3]);
  return port > 0 && port < 65536;
}

/** `financial-api` -> `FinancialApi`, for alert names derived from service names. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `financial-api` -> `financial_api`, for metric and group names. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** A Grafana uid: at most 40 of [A-Za-z0-9_-]. Long names keep a stable hash suffix. */
export function dashboardUid(...parts: string[]): string {
  const base = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (base.length <= 40) return base;
  return `${base.slice(0, 31)}-${fnv1a(base).slice(0, 8)}`;
}

export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
