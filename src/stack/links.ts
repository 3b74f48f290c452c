/**
 * Where users reach the stack: Grafana, the runbooks, Prometheus and Alertmanager. Every
 * `runbook_url` and `dashboard_url` an alert carries is built from these, and the compose
 * file gives Prometheus and Alertmanager theirs as `--web.external-url`, so the links in a
 * Slack message or a PagerDuty incident open from anywhere, not only on the host.
 */
import { z } from 'zod';
import type { Diagnostics } from '../core/diagnostics.ts';
import { baseUrl } from '../core/url.ts';

export const linksSchema = z
  .object({
    /** How users reach Grafana, for `dashboard_url` (and Grafana's own root_url). @default `http://localhost:<compose.ports.grafana>` */
    grafanaUrl: baseUrl.optional(),
    /** Where the bundle's runbooks/<Alert>.md are published, for `runbook_url`. @default 'http://localhost/runbooks' (a warning: set it) */
    runbookBaseUrl: baseUrl.optional(),
    /** How users reach Prometheus (`--web.external-url`, alerts' "source" links). @default `http://localhost:<compose.ports.prometheus>` */
    prometheusUrl: baseUrl.optional(),
    /** How users reach Alertmanager (`--web.external-url`, silence links in notifications). @default `http://localhost:<compose.ports.alertmanager>` */
    alertmanagerUrl: baseUrl.optional(),
  })
  .strict()
  .default({});

export type LinksProps = z.output<typeof linksSchema>;

export interface ResolvedLinks {
  grafanaUrl: string;
  runbookBaseUrl: string;
  prometheusUrl: string;
  alertmanagerUrl: string;
}

const LOCAL_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

const WHAT: Record<keyof ResolvedLinks, string> = {
  grafanaUrl: "alerts' dashboard_url links",
  runbookBaseUrl: "alerts' runbook_url links",
  prometheusUrl: "Prometheus's external URL (the source link of every alert)",
  alertmanagerUrl: "Alertmanager's external URL (the links in every notification)",
};

const EXAMPLE: Record<keyof ResolvedLinks, string> = {
  grafanaUrl: 'https://grafana.example.com',
  runbookBaseUrl: 'https://git.example.com/ops/runbooks/-/blob/main',
  prometheusUrl: 'https://prometheus.example.com',
  alertmanagerUrl: 'https://alertmanager.example.com',
};

/**
 * The links with their defaults (localhost on the compose ports) and no trailing slash.
 */
export function resolveLinks(props: LinksProps, ports: { prometheus: number; alertmanager: number; grafana: number }): ResolvedLinks {
  // Percent-encoded and without the trailing slash, so `${base}/x` joins cleanly.
  const trim = (u: string) => new URL(u).href.replace(/\/+$/, '');
  const grafanaUrl = trim(props.grafanaUrl ?? `http://localhost:${ports.grafana}`);
  const links: ResolvedLinks = {
    grafanaUrl,
    // Nothing in the stack serves runbooks: no default can be right, so the default warns.
    runbookBaseUrl: trim(props.runbookBaseUrl ?? 'http://localhost/runbooks'),
    prometheusUrl: trim(props.prometheusUrl ?? `http://localhost:${ports.prometheus}`),
    alertmanagerUrl: trim(props.alertmanagerUrl ?? `http://localhost:${ports.alertmanager}`),
  };
  return links;
}

/** A warning for each link on localhost (every default is), naming the prop to set. */
export function warnLocalLinks(links: ResolvedLinks, diag: Diagnostics): void {
  for (const key of Object.keys(WHAT) as (keyof ResolvedLinks)[]) {
    const url = new URL(links[key]);
    if (!LOCAL_HOST.test(url.hostname)) continue;
    diag.warn(`links.${key}`, 'links-localhost', `${links[key]} (${WHAT[key]}) opens only on the machine running the stack`, {
      hint: `set links.${key} to the address users reach it at, e.g. '${EXAMPLE[key]}'`,
    });
  }
}

/** `/prefix` of a base URL, or '' at the root. */
export function urlPath(url: string): string {
  return new URL(url).pathname.replace(/\/+$/, '');
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A `runbook_url` or `dashboard_url` written by hand as a relative path (`/d/uid`,
 * `db-failover.md`) becomes absolute under the stack's links; templated values are left.
 */
export function absoluteLink(key: 'runbook_url' | 'dashboard_url', value: string, links: ResolvedLinks): string {
  if (ABSOLUTE.test(value) || value.includes('{{')) return value;
  const base = key === 'dashboard_url' ? links.grafanaUrl : links.runbookBaseUrl;
  return `${base}/${value.replace(/^(\.?\/)+/, '')}`;
}
