/**
 * Alertmanager: the stack's alerting props -> alertmanager.yml (as data), its route tree
 * walked the way Alertmanager walks it, and route expectations for routes.test.json.
 */
import type { Diagnostics, PathPart } from '../core/diagnostics.ts';
import { joinPath } from '../core/diagnostics.ts';
import type { InhibitRule, Matcher } from '../core/model.ts';
import { emittedRouteMatchers, exampleValue, matcherText, matchersFromMap, matchesAll, routeMatchers } from './matchers.ts';
import { bundledTemplatePath, type Alerting, type ReceiverProps, type RouteProps } from './schema.ts';
import { validateAlertmanagerConfig } from './validate.ts';
import { EXTRA_RECEIVER_KINDS, extraReceiverYaml } from './receivers.ts';

export const NULL_RECEIVER = 'default';

export interface ResolvedRoute {
  matchers: Matcher[];
  receiver: string;
  continue: boolean;
  groupBy?: string[];
  routes: ResolvedRoute[];
  path: string;
}

export interface RouteExpectation {
  /** Why this case exists, e.g. "route routes[0]" or "alerts with severity=critical". */
  name: string;
  labels: Record<string, string>;
  receivers: string[];
}

function resolve(route: RouteProps, parentReceiver: string, path: string): ResolvedRoute {
  const receiver = route.receiver ?? parentReceiver;
  return {
    matchers: routeMatchers(route),
    receiver,
    continue: route.continue ?? false,
    ...(route.groupBy ? { groupBy: route.groupBy } : {}),
    routes: (route.routes ?? []).map((r, i) => resolve(r, receiver, joinPath(path, 'routes', i))),
    path,
  };
}

export function resolveRouteTree(alerting: Alerting, basePath: string): ResolvedRoute {
  const root = alerting.defaultReceiver ?? NULL_RECEIVER;
  return {
    matchers: [],
    receiver: root,
    continue: false,
    routes: alerting.routes.map((r, i) => resolve(r, root, joinPath(basePath, 'routes', i))),
    path: basePath,
  };
}

/** The receivers an alert with these labels is sent to (Alertmanager's first-match-unless-continue walk). */
export function routeAlert(route: ResolvedRoute, labels: Record<string, string>): string[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const out: string[] = [];
  let matchedChild = false;
  for (const child of route.routes) {
    const got = routeAlert(child, labels);
    if (got.length > 0) {
      out.push(...got);
      matchedChild = true;
      if (!child.continue) break;
    }
  }
  return matchedChild ? out : [route.receiver];
}

function receiverYaml(name: string, r: ReceiverProps): Record<string, unknown> {
  const out: Record<string, unknown> = { name };
  if (r.webhook) {
    const w: Record<string, unknown> = {};
    if (r.webhook.url !== undefined) w.url = r.webhook.url;
    if (r.webhook.urlFile !== undefined) w.url_file = r.webhook.urlFile;
    w.send_resolved = r.webhook.sendResolved ?? true;
    if (r.webhook.maxAlerts !== undefined) w.max_alerts = r.webhook.maxAlerts;
    if (r.webhook.auth?.bearerTokenFile) w.http_config = { authorization: { type: 'Bearer', credentials_file: r.webhook.auth.bearerTokenFile } };
    if (r.webhook.auth?.basicAuth) w.http_config = { basic_auth: { username: r.webhook.auth.basicAuth.username, password_file: r.webhook.auth.basicAuth.passwordFile } };
    out.webhook_configs = [w];
  }
  if (r.slack) {
    const s: Record<string, unknown> = { api_url_file: r.slack.apiUrlFile, channel: r.slack.channel, send_resolved: r.slack.sendResolved ?? true };
    s.title = r.slack.title ?? '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}';
    s.text = r.slack.text ?? '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}';
    out.slack_configs = [s];
  }
  if (r.pagerduty) {
    const p: Record<string, unknown> = { routing_key_file: r.pagerduty.routingKeyFile, send_resolved: r.pagerduty.sendResolved ?? true };
    if (r.pagerduty.severity) p.severity = r.pagerduty.severity;
    out.pagerduty_configs = [p];
  }
  if (r.email) {
    const e: Record<string, unknown> = { to: r.email.to, send_resolved: r.email.sendResolved ?? false };
    if (r.email.from) e.from = r.email.from;
    if (r.email.smarthost) e.smarthost = r.email.smarthost;
    if (r.email.authUsername) e.auth_username = r.email.authUsername;
    if (r.email.authPasswordFile) e.auth_password_file = r.email.authPasswordFile;
    if (r.email.requireTls !== undefined) e.require_tls = r.email.requireTls;
    out.email_configs = [e];
  }
  for (const kind of EXTRA_RECEIVER_KINDS) {
    const props = r[kind];
    if (props) out[`${kind}_configs`] = [extraReceiverYaml(kind, props as Record<string, unknown>)];
  }
  return out;
}

function routeYaml(route: RouteProps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (route.receiver) out.receiver = route.receiver;
  const ms = emittedRouteMatchers(route);
  if (ms.length) out.matchers = ms.map((m) => m.text);
  if (route.groupBy) out.group_by = route.groupBy;
  if (route.groupWait) out.group_wait = route.groupWait;
  if (route.groupInterval) out.group_interval = route.groupInterval;
  if (route.repeatInterval) out.repeat_interval = route.repeatInterval;
  if (route.continue) out.continue = true;
  if (route.muteTimeIntervals?.length) out.mute_time_intervals = route.muteTimeIntervals;
  if (route.activeTimeIntervals?.length) out.active_time_intervals = route.activeTimeIntervals;
  if (route.routes?.length) out.routes = route.routes.map(routeYaml);
  return out;
}

export function defaultInhibitRules(): InhibitRule[] {
  return [
    {
      sourceMatchers: [{ name: 'severity', op: '=', value: 'critical' }],
      // SLO burn-rate tiers share one alert name across a service's SLOs; their own inhibit
      // rules mute within one SLO, so a page of one SLO does not mute another SLO's ticket.
      targetMatchers: [{ name: 'severity', op: '=~', value: 'warning|info' }, { name: 'slo', op: '=', value: '' }],
      equal: ['alertname', 'service'],
      source: 'alerting.defaultInhibitRules',
    },
    {
      sourceMatchers: [{ name: 'severity', op: '=', value: 'warning' }],
      targetMatchers: [{ name: 'severity', op: '=', value: 'info' }, { name: 'slo', op: '=', value: '' }],
      equal: ['alertname', 'service'],
      source: 'alerting.defaultInhibitRules',
    },
  ];
}

export function userInhibitRules(alerting: Alerting, basePath: string): InhibitRule[] {
  return alerting.inhibitRules.map((r, i) => ({
    sourceMatchers: matchersFromMap(r.source),
    targetMatchers: matchersFromMap(r.target),
    equal: r.equal,
    source: joinPath(basePath, 'inhibitRules', i),
  }));
}

export function alertmanagerYaml(alerting: Alerting, inhibitRules: InhibitRule[]): Record<string, unknown> {
  const global: Record<string, unknown> = { resolve_timeout: '5m' };
  if (alerting.smtp) {
    global.smtp_smarthost = alerting.smtp.smarthost;
    global.smtp_from = alerting.smtp.from;
    if (alerting.smtp.authUsername) global.smtp_auth_username = alerting.smtp.authUsername;
    if (alerting.smtp.authPasswordFile) global.smtp_auth_password_file = alerting.smtp.authPasswordFile;
    global.smtp_require_tls = alerting.smtp.requireTls;
  }
  const names = Object.keys(alerting.receivers).sort();
  const receivers = names.map((n) => receiverYaml(n, alerting.receivers[n]!));
  const root = alerting.defaultReceiver ?? NULL_RECEIVER;
  if (!alerting.receivers[root]) receivers.unshift({ name: root });
  const out: Record<string, unknown> = {
    global,
    route: {
      receiver: root,
      group_by: alerting.groupBy,
      group_wait: alerting.groupWait,
      group_interval: alerting.groupInterval,
      repeat_interval: alerting.repeatInterval,
      ...(alerting.routes.length ? { routes: alerting.routes.map(routeYaml) } : {}),
    },
    receivers,
  };
  if (inhibitRules.length) {
    out.inhibit_rules = inhibitRules.map((r) => ({
      source_matchers: r.sourceMatchers.map(matcherText),
      target_matchers: r.targetMatchers.map(matcherText),
      equal: r.equal,
    }));
  }
  if (alerting.templates?.length) out.templates = alerting.templates.map((t) => (typeof t === 'string' ? t : bundledTemplatePath(t.name)));
  const intervals = Object.keys(alerting.timeIntervals).sort();
  if (intervals.length) {
    out.time_intervals = intervals.map((name) => ({
      name,
      time_intervals: alerting.timeIntervals[name]!.map((t) => {
        const o: Record<string, unknown> = {};
        if (t.times) o.times = t.times.map((x) => ({ start_time: x.start, end_time: x.end }));
        if (t.weekdays) o.weekdays = t.weekdays;
        if (t.daysOfMonth) o.days_of_month = t.daysOfMonth;
        if (t.months) o.months = t.months;
        if (t.years) o.years = t.years;
        if (t.location) o.location = t.location;
        return o;
      }),
    }));
  }
  return out;
}

/**
 * Checks the schema cannot do: receivers and intervals that exist, integrations present, and
 * the alertmanager.yml these props become, through the same validation lint runs on plain
 * files (src/alertmanager/validate.ts), with each finding mapped back to its props path.
 */
export function checkAlerting(alerting: Alerting, inhibitRules: InhibitRule[], diag: Diagnostics, basePath: string): void {
  const receivers = new Set(Object.keys(alerting.receivers));
  const known = [...receivers].sort().join(', ') || '(none)';
  for (const [name, r] of Object.entries(alerting.receivers)) {
    if (!r.webhook && !r.slack && !r.pagerduty && !r.email && !EXTRA_RECEIVER_KINDS.some((k) => r[k])) {
      diag.warn(joinPath(basePath, 'receivers', name), 'empty-receiver', `receiver ${name} has no integration and notifies nobody`, {
        hint: `add webhook, slack, pagerduty, email or ${EXTRA_RECEIVER_KINDS.join(', ')}, or remove the receiver`,
      });
    }
  }
  const templateNames = new Set<string>();
  (alerting.templates ?? []).forEach((t, i) => {
    if (typeof t === 'string') {
      diag.warn(joinPath(basePath, 'templates', i), 'template-not-bundled', `template ${t} is read from the Alertmanager's file system; the bundle does not ship it`, {
        value: t,
        hint: "mount it into the Alertmanager yourself, or give { name, content } (e.g. content: readFileSync(new URL('./slack.tmpl', import.meta.url), 'utf8')) to ship it in the bundle",
      });
    } else if (templateNames.has(t.name)) {
      diag.error(joinPath(basePath, 'templates', i, 'name'), 'duplicate-template', `template file ${t.name} is given twice`, { value: t.name, hint: 'give each template file its own name' });
    } else templateNames.add(t.name);
  });
  if (alerting.defaultReceiver && !receivers.has(alerting.defaultReceiver)) {
    diag.error(joinPath(basePath, 'defaultReceiver'), 'unknown-receiver', `receiver ${JSON.stringify(alerting.defaultReceiver)} is not defined`, {
      value: alerting.defaultReceiver,
      hint: `define it under alerting.receivers, or use one of: ${known}`,
    });
  }
  const yaml = alertmanagerYaml(alerting, inhibitRules);
  for (const issue of validateAlertmanagerConfig(yaml)) {
    const hint = issue.hint?.replace(/\b(url_file|api_url_file)\b/, (k) => `the ${camel(k)} prop`).replace('under time_intervals', `under ${basePath}.timeIntervals`);
    diag.error(propsPathOf(issue.path, yaml, alerting, inhibitRules, basePath), issue.code, issue.message, {
      ...(issue.value !== undefined ? { value: issue.value } : {}),
      ...(hint ? { hint } : {}),
    });
  }
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const INTEGRATIONS: Record<string, string> = {
  webhook_configs: 'webhook',
  slack_configs: 'slack',
  pagerduty_configs: 'pagerduty',
  email_configs: 'email',
  ...Object.fromEntries(EXTRA_RECEIVER_KINDS.map((k) => [`${k}_configs`, k])),
};
const RENAMED: Record<string, string> = { start_time: 'start', end_time: 'end', http_config: 'auth', credentials_file: 'bearerTokenFile' };

/** Props keys for the rest of a YAML path: snake_case to camelCase, indexes kept. */
function propsTail(base: string, rest: PathPart[]): string {
  const parts = rest.filter((p) => p !== 'authorization').map((p) => (typeof p === 'number' ? p : (RENAMED[p] ?? camel(p))));
  return joinPath(base, ...parts);
}

/** The props path that produced a value at `path` in alertmanagerYaml(alerting, ...). */
export function propsPathOf(path: PathPart[], yaml: Record<string, unknown>, alerting: Alerting, inhibitRules: InhibitRule[], base: string): string {
  const [head, i, ...rest] = path;
  if (head === 'global') return typeof i === 'string' && i.startsWith('smtp_') ? joinPath(base, 'smtp', camel(i.slice(5))) : base;
  if (head === 'route') {
    let p = base;
    let route: RouteProps | undefined;
    let tail = path.slice(1);
    while (tail[0] === 'routes' && typeof tail[1] === 'number') {
      route = (route ? (route.routes ?? []) : alerting.routes)[tail[1]];
      p = joinPath(p, 'routes', tail[1]);
      tail = tail.slice(2);
    }
    if (!route) return tail[0] === 'receiver' ? joinPath(base, 'defaultReceiver') : propsTail(p, tail);
    if (tail[0] === 'matchers' && typeof tail[1] === 'number') {
      const source = emittedRouteMatchers(route)[tail[1]]?.source;
      return source ? joinPath(p, ...source) : joinPath(p, 'matchers');
    }
    return propsTail(p, tail);
  }
  if (head === 'receivers' && typeof i === 'number') {
    const name = String(((yaml.receivers as Record<string, unknown>[])[i] ?? {}).name);
    if (!(name in alerting.receivers)) return joinPath(base, 'defaultReceiver');
    const p = joinPath(base, 'receivers', name);
    const [kind, , ...field] = rest;
    const integration = typeof kind === 'string' ? INTEGRATIONS[kind] : undefined;
    // Webex's token is its own prop (credentialsFile), not an auth block.
    if (integration === 'webex' && field[0] === 'http_config') return joinPath(p, 'webex', 'credentialsFile');
    return integration ? propsTail(joinPath(p, integration), field) : p;
  }
  if (head === 'inhibit_rules' && typeof i === 'number') {
    const rule = inhibitRules[i];
    if (!rule) return base;
    const user = rule.source.startsWith(joinPath(base, 'inhibitRules'));
    const [key, k] = rest;
    if (!user || typeof k !== 'number') return rule.source;
    if (key === 'equal') return joinPath(rule.source, 'equal', k);
    const side = key === 'source_matchers' ? rule.sourceMatchers : key === 'target_matchers' ? rule.targetMatchers : undefined;
    const name = side?.[k]?.name;
    return name ? joinPath(rule.source, key === 'source_matchers' ? 'source' : 'target', name) : rule.source;
  }
  if (head === 'time_intervals' && typeof i === 'number') {
    const name = String(((yaml.time_intervals as Record<string, unknown>[])[i] ?? {}).name);
    const p = joinPath(base, 'timeIntervals', name);
    return rest[0] === 'time_intervals' ? propsTail(p, rest.slice(1)) : p;
  }
  return base;
}

/** One expectation per route (labels that reach it) and per severity the bundle's alerts use. */
export function routeExpectations(tree: ResolvedRoute, alertLabelSets: { name: string; labels: Record<string, string> }[]): RouteExpectation[] {
  const out: RouteExpectation[] = [];
  const walk = (route: ResolvedRoute, inherited: Matcher[]) => {
    const all = [...inherited, ...route.matchers];
    if (route !== tree) {
      const labels: Record<string, string> = {};
      let ok = true;
      for (const m of all) {
        if (m.op === '!=' || m.op === '!~') continue;
        const v = exampleValue(m);
        if (v === undefined) ok = false;
        else labels[m.name] = v;
      }
      if (ok && matchesAll(all, labels)) {
        labels.alertname ??= 'RouteTest';
        out.push({ name: `route ${route.path}`, labels, receivers: routeAlert(tree, labels) });
      }
    }
    for (const child of route.routes) walk(child, all);
  };
  walk(tree, []);
  for (const a of alertLabelSets) out.push({ name: a.name, labels: a.labels, receivers: routeAlert(tree, a.labels) });
  return out;
}
