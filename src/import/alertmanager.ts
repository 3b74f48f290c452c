/**
 * `obsgen import alertmanager FILE`: an alertmanager.yml -> the stack's `alerting` props (routes,
 * receivers, inhibit rules, time intervals, templates), so the built alertmanager.yml routes and
 * notifies as the file did. Inline secrets are refused, each with its field and the fix: obsgen
 * never writes a secret into a bundle, so the secret moves to a file and the `*_file` field.
 */
import { parse } from 'yaml';
import type { AlertingProps, ReceiverProps, RouteProps } from '../alertmanager/schema.ts';
import { parseMatchers } from '../alertmanager/matchers.ts';
import { printTs } from './tsprint.ts';
import { z } from 'zod';
import { camel, EXTRA_RECEIVER_KINDS, extraReceiverSchemas, RECEIVER_SPECS, type ExtraReceiverKind } from '../alertmanager/receivers.ts';

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Ctx {
  errors: string[];
  notes: string[];
  /** global.slack_api_url_file: the default of every Slack config. */
  slackApiUrlFile?: string;
  /** Other globals that are defaults of an integration's field (GLOBAL_DEFAULTS), by kind then yaml field. */
  defaults: Partial<Record<ExtraReceiverKind, Raw>>;
}

/** Globals Alertmanager uses as an integration's default: global key -> [kind, field]. */
const GLOBAL_DEFAULTS: Record<string, [ExtraReceiverKind, string]> = {
  opsgenie_api_key_file: ['opsgenie', 'api_key_file'],
  opsgenie_api_url: ['opsgenie', 'api_url'],
  victorops_api_key_file: ['victorops', 'api_key_file'],
  victorops_api_url: ['victorops', 'api_url'],
  wechat_api_url: ['wechat', 'api_url'],
  wechat_api_corp_id: ['wechat', 'corp_id'],
  telegram_api_url: ['telegram', 'api_url'],
  webex_api_url: ['webex', 'api_url'],
  jira_api_url: ['jira', 'api_url'],
  rocketchat_api_url: ['rocketchat', 'api_url'],
  rocketchat_token_file: ['rocketchat', 'token_file'],
  rocketchat_token_id_file: ['rocketchat', 'token_id_file'],
};
const GLOBAL_SECRETS = ['smtp_auth_password', 'slack_api_url', 'opsgenie_api_key', 'wechat_api_secret', 'telegram_bot_token', 'victorops_api_key', 'rocketchat_token', 'rocketchat_token_id'];

/** The zod type under optional/default wrappers, to read what a prop takes. */
function baseType(t: z.ZodTypeAny): z.ZodTypeAny {
  let x = t;
  while (x instanceof z.ZodOptional || x instanceof z.ZodDefault) x = (x instanceof z.ZodOptional ? x.unwrap() : x.removeDefault()) as z.ZodTypeAny;
  return x;
}

/** opsgenie, victorops, pushover, ... (src/alertmanager/receivers.ts): yaml fields -> props, secrets from files only. */
function extraReceiver(kind: ExtraReceiverKind, c: Raw, at: string, ctx: Ctx): Raw {
  const spec = RECEIVER_SPECS[kind];
  const shape = extraReceiverSchemas[kind].shape as Record<string, z.ZodTypeAny>;
  const out: Raw = {};
  for (const [k, v] of Object.entries({ ...(ctx.defaults[kind] ?? {}), ...c })) {
    if (k in spec.secrets) secret(ctx, at, k, spec.secrets[k]!);
    else if (k === 'http_config') {
      if (kind === 'webex') {
        const h = isMap(v) ? v : {};
        unsupported(ctx, `${at}.http_config`, Object.keys(h), ['authorization'], 'webex receiver');
        const a = isMap(h.authorization) ? h.authorization : {};
        if (a.credentials !== undefined) secret(ctx, `${at}.http_config.authorization`, 'credentials', 'credentials_file');
        if (typeof a.credentials_file === 'string') out.credentialsFile = a.credentials_file;
      } else if (!('auth' in shape)) unsupported(ctx, at, [k], [], `${kind} receiver`);
      else {
        const auth = httpAuth(v, `${at}.http_config`, ctx);
        if (auth) out.auth = auth;
      }
    } else if (k === 'sigv4' && kind === 'sns') {
      const s = isMap(v) ? v : {};
      for (const inline of ['access_key', 'secret_key']) {
        if (s[inline] !== undefined) ctx.errors.push(`${at}.sigv4.${inline}: is an inline AWS credential and Alertmanager has no file form for it; obsgen never writes secrets into a bundle. Give Alertmanager its credentials from the environment, a profile (sigv4.profile) or a role (sigv4.role_arn)`);
      }
      unsupported(ctx, `${at}.sigv4`, Object.keys(s), ['region', 'profile', 'role_arn', 'access_key', 'secret_key'], 'sns receiver');
      out.sigv4 = Object.fromEntries(Object.entries(s).filter(([x]) => ['region', 'profile', 'role_arn'].includes(x)).map(([x, y]) => [camel(x), String(y)]));
    } else {
      const prop = camel(k);
      const t = shape[prop];
      if (!t || prop === 'credentialsFile' || prop === 'auth') unsupported(ctx, at, [k], [], `${kind} receiver`);
      // YAML reads `priority: 2` as a number; Alertmanager reads the string.
      else out[prop] = baseType(t) instanceof z.ZodString && (typeof v === 'number' || typeof v === 'boolean') ? String(v) : v;
    }
  }
  const parsed = extraReceiverSchemas[kind].safeParse(out);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = `${at}.${issue.path.map((p) => (typeof p === 'string' ? p.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`) : String(p))).join('.')}`;
      const missing = issue.code === 'invalid_type' && issue.path.length === 1 && out[String(issue.path[0])] === undefined;
      ctx.errors.push(missing ? `${field}: missing; obsgen's ${kind} receiver needs it${field.endsWith('_file') ? ' (the path of the file that holds the secret)' : ''}` : `${field}: ${issue.message}`);
    }
  }
  return out;
}

/** Alertmanager's own defaults where obsgen's differ, so an absent field keeps its meaning. */
const SEND_RESOLVED = { webhook: true, slack: false, pagerduty: true, email: false };
const SLACK_TITLE = '{{ template "slack.default.title" . }}';
const SLACK_TEXT = '{{ template "slack.default.text" . }}';

function secret(ctx: Ctx, where: string, field: string, fileField: string): void {
  ctx.errors.push(
    `${where}.${field}: is an inline secret; obsgen never writes secrets into a bundle. Move the value into a file (e.g. /run/secrets/<name>, mounted into Alertmanager) and use ${fileField} instead`,
  );
}

function unsupported(ctx: Ctx, where: string, keys: string[], known: string[], what: string): void {
  for (const k of keys) if (!known.includes(k)) ctx.errors.push(`${where}.${k}: obsgen's ${what} has no such field yet; remove it, or keep this part of the configuration outside obsgen`);
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}

/** A receiver's HTTP auth: file-based credentials only. */
function httpAuth(h: unknown, where: string, ctx: Ctx): NonNullable<ReceiverProps['webhook']>['auth'] | undefined {
  if (!isMap(h)) return undefined;
  unsupported(ctx, where, Object.keys(h), ['bearer_token', 'bearer_token_file', 'authorization', 'basic_auth'], 'receiver http_config');
  if (h.bearer_token !== undefined) secret(ctx, where, 'bearer_token', 'bearer_token_file');
  if (typeof h.bearer_token_file === 'string') return { bearerTokenFile: h.bearer_token_file };
  if (isMap(h.authorization)) {
    if (h.authorization.credentials !== undefined) secret(ctx, `${where}.authorization`, 'credentials', 'credentials_file');
    if (h.authorization.type !== undefined && h.authorization.type !== 'Bearer') ctx.errors.push(`${where}.authorization.type: only Bearer is carried`);
    if (typeof h.authorization.credentials_file === 'string') return { bearerTokenFile: h.authorization.credentials_file };
  }
  if (isMap(h.basic_auth)) {
    if (h.basic_auth.password !== undefined) secret(ctx, `${where}.basic_auth`, 'password', 'password_file');
    if (typeof h.basic_auth.password_file === 'string') return { basicAuth: { username: String(h.basic_auth.username ?? ''), passwordFile: h.basic_auth.password_file } };
  }
  return undefined;
}

function one(list: unknown, where: string, ctx: Ctx): Raw | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  if (list.length > 1) ctx.errors.push(`${where}: has ${list.length} configs; obsgen's receivers hold one of each kind: split them into receivers of their own and route with continue: true`);
  return isMap(list[0]) ? list[0] : undefined;
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

function receiver(r: Raw, where: string, ctx: Ctx): ReceiverProps {
  const out: ReceiverProps = {};
  const kinds = ['webhook_configs', 'slack_configs', 'pagerduty_configs', 'email_configs', ...EXTRA_RECEIVER_KINDS.map((k) => `${k}_configs`)];
  for (const k of Object.keys(r)) {
    if (k === 'name' || kinds.includes(k)) continue;
    ctx.errors.push(`${where}.${k}: obsgen has no ${k.replace(/_configs$/, '')} receiver yet; keep that receiver outside obsgen or use a webhook bridge`);
  }
  for (const kind of EXTRA_RECEIVER_KINDS) {
    const c = one(r[`${kind}_configs`], `${where}.${kind}_configs`, ctx);
    if (c) (out as Raw)[kind] = extraReceiver(kind, c, `${where}.${kind}_configs[0]`, ctx);
  }
  const w = one(r.webhook_configs, `${where}.webhook_configs`, ctx);
  if (w) {
    const at = `${where}.webhook_configs[0]`;
    unsupported(ctx, at, Object.keys(w), ['url', 'url_file', 'send_resolved', 'max_alerts', 'http_config'], 'webhook receiver');
    const auth = httpAuth(w.http_config, `${at}.http_config`, ctx);
    out.webhook = {
      ...(typeof w.url === 'string' ? { url: w.url } : {}),
      ...(typeof w.url_file === 'string' ? { urlFile: w.url_file } : {}),
      sendResolved: bool(w.send_resolved, SEND_RESOLVED.webhook),
      ...(typeof w.max_alerts === 'number' ? { maxAlerts: w.max_alerts } : {}),
      ...(auth ? { auth } : {}),
    };
  }
  const s = one(r.slack_configs, `${where}.slack_configs`, ctx);
  if (s) {
    const at = `${where}.slack_configs[0]`;
    unsupported(ctx, at, Object.keys(s), ['api_url', 'api_url_file', 'channel', 'send_resolved', 'title', 'text'], 'slack receiver');
    if (s.api_url !== undefined) secret(ctx, at, 'api_url', 'api_url_file');
    const file = typeof s.api_url_file === 'string' ? s.api_url_file : ctx.slackApiUrlFile;
    if (!file && s.api_url === undefined) ctx.errors.push(`${at}: has no api_url_file (and global.slack_api_url_file is not set)`);
    out.slack = {
      apiUrlFile: file ?? '',
      channel: typeof s.channel === 'string' ? s.channel : '',
      sendResolved: bool(s.send_resolved, SEND_RESOLVED.slack),
      title: typeof s.title === 'string' ? s.title : SLACK_TITLE,
      text: typeof s.text === 'string' ? s.text : SLACK_TEXT,
    };
    if (typeof s.channel !== 'string') ctx.errors.push(`${at}.channel: obsgen needs the channel`);
  }
  const p = one(r.pagerduty_configs, `${where}.pagerduty_configs`, ctx);
  if (p) {
    const at = `${where}.pagerduty_configs[0]`;
    unsupported(ctx, at, Object.keys(p), ['routing_key', 'routing_key_file', 'service_key', 'send_resolved', 'severity'], 'pagerduty receiver');
    if (p.routing_key !== undefined) secret(ctx, at, 'routing_key', 'routing_key_file');
    if (p.service_key !== undefined) secret(ctx, at, 'service_key', 'routing_key_file (an Events API v2 routing key)');
    out.pagerduty = {
      routingKeyFile: typeof p.routing_key_file === 'string' ? p.routing_key_file : '',
      sendResolved: bool(p.send_resolved, SEND_RESOLVED.pagerduty),
      ...(typeof p.severity === 'string' ? { severity: p.severity } : {}),
    };
  }
  const e = one(r.email_configs, `${where}.email_configs`, ctx);
  if (e) {
    const at = `${where}.email_configs[0]`;
    unsupported(ctx, at, Object.keys(e), ['to', 'from', 'smarthost', 'auth_username', 'auth_password', 'auth_password_file', 'require_tls', 'send_resolved'], 'email receiver');
    if (e.auth_password !== undefined) secret(ctx, at, 'auth_password', 'auth_password_file');
    out.email = {
      to: String(e.to ?? ''),
      ...(typeof e.from === 'string' ? { from: e.from } : {}),
      ...(typeof e.smarthost === 'string' ? { smarthost: e.smarthost } : {}),
      ...(typeof e.auth_username === 'string' ? { authUsername: e.auth_username } : {}),
      ...(typeof e.auth_password_file === 'string' ? { authPasswordFile: e.auth_password_file } : {}),
      ...(typeof e.require_tls === 'boolean' ? { requireTls: e.require_tls } : {}),
      sendResolved: bool(e.send_resolved, SEND_RESOLVED.email),
    };
  }
  return out;
}

type MatchMap = NonNullable<RouteProps['match']>;

/** Legacy match/match_re maps and matcher lists as one map; a label matched twice cannot be one. */
function matchMap(eq: unknown, re: unknown, list: unknown, where: string, ctx: Ctx): MatchMap | undefined {
  const out: MatchMap = {};
  const put = (name: string, v: MatchMap[string]) => {
    if (name in out) ctx.errors.push(`${where}: label ${name} is matched twice; obsgen's match map holds one matcher per label`);
    out[name] = v;
  };
  if (isMap(eq)) for (const [k, v] of Object.entries(eq)) put(k, String(v));
  if (isMap(re)) for (const [k, v] of Object.entries(re)) put(k, { re: String(v) });
  for (const text of strings(list) ?? []) {
    try {
      for (const m of parseMatchers(text)) put(m.name, m.op === '=' ? m.value : m.op === '=~' ? { re: m.value } : m.op === '!=' ? { not: m.value } : { notRe: m.value });
    } catch (err) {
      ctx.errors.push(`${where}: ${(err as Error).message}`);
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function route(r: Raw, where: string, ctx: Ctx): RouteProps {
  unsupported(ctx, where, Object.keys(r), ['receiver', 'match', 'match_re', 'matchers', 'group_by', 'group_wait', 'group_interval', 'repeat_interval', 'continue', 'mute_time_intervals', 'active_time_intervals', 'routes'], 'route');
  // Legacy match/match_re become the map form; `matchers` stay in Alertmanager's text form.
  const match = matchMap(r.match, r.match_re, undefined, where, ctx);
  return {
    ...(match ? { match } : {}),
    ...(Array.isArray(r.matchers) ? { matchers: strings(r.matchers) } : {}),
    ...(typeof r.receiver === 'string' ? { receiver: r.receiver } : {}),
    ...(Array.isArray(r.group_by) ? { groupBy: strings(r.group_by) } : {}),
    ...(typeof r.group_wait === 'string' ? { groupWait: r.group_wait } : {}),
    ...(typeof r.group_interval === 'string' ? { groupInterval: r.group_interval } : {}),
    ...(typeof r.repeat_interval === 'string' ? { repeatInterval: r.repeat_interval } : {}),
    ...(r.continue === true ? { continue: true } : {}),
    ...(Array.isArray(r.mute_time_intervals) ? { muteTimeIntervals: strings(r.mute_time_intervals) } : {}),
    ...(Array.isArray(r.active_time_intervals) ? { activeTimeIntervals: strings(r.active_time_intervals) } : {}),
    ...(Array.isArray(r.routes) ? { routes: r.routes.map((c, i) => route(isMap(c) ? c : {}, `${where}.routes[${i}]`, ctx)) } : {}),
  };
}

function timeIntervals(list: unknown, where: string, ctx: Ctx, into: NonNullable<AlertingProps['timeIntervals']>): void {
  if (!Array.isArray(list)) return;
  list.forEach((ti, i) => {
    const at = `${where}[${i}]`;
    if (!isMap(ti) || typeof ti.name !== 'string') return void ctx.errors.push(`${at}: needs a name`);
    into[ti.name] = (Array.isArray(ti.time_intervals) ? ti.time_intervals : []).map((t: unknown, j: number) => {
      const x = isMap(t) ? t : {};
      unsupported(ctx, `${at}.time_intervals[${j}]`, Object.keys(x), ['times', 'weekdays', 'days_of_month', 'months', 'years', 'location'], 'time interval');
      const times = Array.isArray(x.times) ? x.times.map((r: unknown) => ({ start: String((r as Raw).start_time), end: String((r as Raw).end_time) })) : undefined;
      return {
        ...(times ? { times } : {}),
        ...(Array.isArray(x.weekdays) ? { weekdays: strings(x.weekdays) } : {}),
        ...(Array.isArray(x.days_of_month) ? { daysOfMonth: strings(x.days_of_month) } : {}),
        ...(Array.isArray(x.months) ? { months: strings(x.months) } : {}),
        ...(Array.isArray(x.years) ? { years: strings(x.years) } : {}),
        ...(typeof x.location === 'string' ? { location: x.location } : {}),
      };
    });
  });
}

export interface AlertmanagerImport {
  alerting?: AlertingProps;
  errors: string[];
  notes: string[];
}

/** The template files a `templates:` entry (a path or glob) names, read by the caller; undefined or [] when none. */
export type TemplateReader = (pattern: string) => { name: string; content: string }[] | undefined;

export function importAlertmanager(text: string, file: string, readTemplates?: TemplateReader): AlertmanagerImport {
  const ctx: Ctx = { errors: [], notes: [], defaults: {} };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    return { errors: [`${file}: not YAML: ${(e as Error).message}`], notes: [] };
  }
  if (!isMap(doc) || !isMap(doc.route)) return { errors: [`${file}: not an Alertmanager configuration (no route:)`], notes: [] };
  unsupported(ctx, file, Object.keys(doc), ['global', 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals', 'templates'], 'alerting');
  const alerting: AlertingProps = { receivers: {} };
  const g = isMap(doc.global) ? doc.global : {};
  for (const k of Object.keys(g)) {
    if (GLOBAL_SECRETS.includes(k)) secret(ctx, 'global', k, `${k}_file`);
    else if (k in GLOBAL_DEFAULTS) {
      const [kind, field] = GLOBAL_DEFAULTS[k]!;
      (ctx.defaults[kind] ??= {})[field] = g[k];
    } else if (!['resolve_timeout', 'slack_api_url_file', 'smtp_smarthost', 'smtp_from', 'smtp_auth_username', 'smtp_auth_password_file', 'smtp_require_tls', 'smtp_hello', 'pagerduty_url'].includes(k)) {
      ctx.errors.push(`global.${k}: obsgen does not carry this global yet; remove it, or keep this part of the configuration outside obsgen`);
    }
  }
  if (typeof g.resolve_timeout === 'string' && g.resolve_timeout !== '5m') ctx.notes.push(`global.resolve_timeout ${g.resolve_timeout}: obsgen writes 5m (it only matters for alerts sent without an end time)`);
  if (typeof g.slack_api_url_file === 'string') ctx.slackApiUrlFile = g.slack_api_url_file;
  if (typeof g.smtp_smarthost === 'string') {
    alerting.smtp = {
      smarthost: g.smtp_smarthost,
      from: String(g.smtp_from ?? ''),
      ...(typeof g.smtp_auth_username === 'string' ? { authUsername: g.smtp_auth_username } : {}),
      ...(typeof g.smtp_auth_password_file === 'string' ? { authPasswordFile: g.smtp_auth_password_file } : {}),
      // Alertmanager requires TLS unless told otherwise, as obsgen does.
      requireTls: typeof g.smtp_require_tls === 'boolean' ? g.smtp_require_tls : true,
    };
  }
  (Array.isArray(doc.receivers) ? doc.receivers : []).forEach((r: unknown, i: number) => {
    const where = `receivers[${i}]`;
    if (!isMap(r) || typeof r.name !== 'string') return void ctx.errors.push(`${where}: needs a name`);
    alerting.receivers[r.name] = receiver(r, where, ctx);
  });
  const root = route(doc.route, 'route', ctx);
  if (root.match || root.matchers) ctx.notes.push('route: matchers on the root route are ignored by Alertmanager; left out');
  if (root.continue) ctx.notes.push('route.continue: has no effect on the root route; left out');
  if (root.receiver) alerting.defaultReceiver = root.receiver;
  // Alertmanager's default is no grouping label at all; obsgen's is alertname, service, severity.
  alerting.groupBy = root.groupBy ?? [];
  if (root.groupWait) alerting.groupWait = root.groupWait;
  if (root.groupInterval) alerting.groupInterval = root.groupInterval;
  if (root.repeatInterval) alerting.repeatInterval = root.repeatInterval;
  if (root.muteTimeIntervals || root.activeTimeIntervals) ctx.errors.push('route: time intervals on the root route are not allowed by Alertmanager');
  alerting.routes = root.routes ?? [];
  // The file's inhibit rules are all it has: obsgen's default ones would add muting it did not do.
  alerting.defaultInhibitRules = false;
  alerting.inhibitRules = [];
  (Array.isArray(doc.inhibit_rules) ? doc.inhibit_rules : []).forEach((r: unknown, i: number) => {
    const where = `inhibit_rules[${i}]`;
    const x = isMap(r) ? r : {};
    unsupported(ctx, where, Object.keys(x), ['source_match', 'source_match_re', 'source_matchers', 'target_match', 'target_match_re', 'target_matchers', 'equal'], 'inhibit rule');
    const source = matchMap(x.source_match, x.source_match_re, x.source_matchers, `${where} source`, ctx) ?? {};
    const target = matchMap(x.target_match, x.target_match_re, x.target_matchers, `${where} target`, ctx) ?? {};
    const equal = strings(x.equal) ?? [];
    if (!equal.length) ctx.errors.push(`${where}.equal: is empty, so a source alert mutes every target alert anywhere; obsgen asks for at least one label (e.g. equal: [alertname, service])`);
    alerting.inhibitRules!.push({ source, target, equal });
  });
  alerting.timeIntervals = {};
  timeIntervals(doc.time_intervals, 'time_intervals', ctx, alerting.timeIntervals);
  timeIntervals(doc.mute_time_intervals, 'mute_time_intervals', ctx, alerting.timeIntervals);
  // Template files found next to the config are shipped in the bundle; others stay paths to mount.
  const shipped = new Set<string>();
  const templates = (strings(doc.templates) ?? []).flatMap((t): NonNullable<AlertingProps['templates']> => {
    const found = readTemplates?.(t);
    // Two globs naming one file ship it once, as Alertmanager loads it once.
    if (found?.length) return found.filter((f) => !shipped.has(f.name) && shipped.add(f.name));
    ctx.notes.push(`templates: ${t} was not found next to ${file}; kept as a path the Alertmanager reads (mount it yourself, or give { name, content })`);
    return [t];
  });
  if (templates.length) alerting.templates = templates;
  return { alerting, errors: ctx.errors.map((e) => `${file}: ${e}`), notes: ctx.notes.map((n) => `${file}: ${n}`) };
}

export function alertmanagerToTypeScript(text: string, file: string, readTemplates?: TemplateReader): { code: string; errors: string[]; notes: string[] } {
  const r = importAlertmanager(text, file, readTemplates);
  if (!r.alerting || r.errors.length) return { code: '', errors: r.errors, notes: r.notes };
  const code = [
    `// Imported by \`obsgen import alertmanager\` from ${file}: use it as defineStack({ ..., alerting }).`,
    ...r.notes.map((n) => `// note: ${n}`),
    `import type { AlertingProps } from 'obsgen';`,
    '',
    `export const alerting: AlertingProps = ${printTs(r.alerting)};`,
    '',
  ].join('\n');
  return { code, errors: [], notes: r.notes };
}
