/**
 * alertmanager.yml checked against Alertmanager's own rules (config/config.go,
 * timeinterval/timeinterval.go, pkg/labels/parse.go of 0.25 and later), so a bad value is
 * caught by obsgen with a path, not only by amtool. One walk over the file as Alertmanager
 * reads it serves the build (which maps each path back to the stack's props) and lint
 * (plain alertmanager.yml files). Where Alertmanager accepts a value that can never match
 * (month 13, a year 0), obsgen refuses it too.
 */
import type { PathPart } from '../core/diagnostics.ts';
import { parseDuration } from '../core/duration.ts';
import { LABEL_NAME_RE } from '../core/names.ts';
import { re2Problem } from '../core/re2.ts';
import { redactUrl, urlCredentials } from '../core/secrets.ts';
import { parseMatchers } from './matchers.ts';
import { checkTimeInterval } from './timeinterval.ts';
import { EXTRA_RECEIVER_KINDS, RECEIVER_SPECS, type ExtraReceiverKind } from './receivers.ts';

export interface ConfigIssue {
  /** Path in alertmanager.yml, e.g. ['time_intervals', 0, 'time_intervals', 0, 'times', 0, 'end_time']. */
  path: PathPart[];
  /** Short id: `time-interval`, `matcher`, `duration`, `url`, `secret-in-url`, `unknown-receiver`, ... */
  code: string;
  message: string;
  value?: unknown;
  hint?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

// ---- values shared by routes, receivers and inhibit rules ----

function checkDuration(v: unknown, path: PathPart[], out: ConfigIssue[], nonZero: boolean): void {
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined) out.push({ path, code: 'duration', message: `${JSON.stringify(v)} is not a duration`, value: v, hint: 'durations are like 30s, 5m, 4h or 1h30m (units y w d h m s ms, largest first)' });
  else if (nonZero && ms === 0) out.push({ path, code: 'duration', message: `${String(path.at(-1))} cannot be zero`, value: v, hint: 'give a positive duration, e.g. 5m' });
}

function checkLabelName(v: unknown, path: PathPart[], out: ConfigIssue[], what: string): void {
  if (typeof v !== 'string' || !LABEL_NAME_RE.test(v)) out.push({ path, code: 'label-name', message: `invalid label name ${JSON.stringify(v)} in ${what}`, value: v, hint: 'label names match [a-zA-Z_][a-zA-Z0-9_]*' });
}

function checkGroupBy(v: unknown, path: PathPart[], out: ConfigIssue[]): void {
  const names = list(v);
  const seen = new Set<string>();
  names.forEach((l, i) => {
    if (l === '...') return;
    checkLabelName(l, [...path, i], out, 'group_by');
    if (typeof l === 'string' && seen.has(l)) out.push({ path: [...path, i], code: 'group-by', message: `duplicated label ${JSON.stringify(l)} in group_by`, value: l, hint: 'list each label once' });
    seen.add(String(l));
  });
  if (names.includes('...') && names.length > 1) out.push({ path, code: 'group-by', message: 'cannot have wildcard group_by (`...`) and other labels at the same time', value: v, hint: "use ['...'] alone to group by every label, or list the labels" });
}

/** Every matcher of a `matchers`-style list (each entry may hold several, comma-separated). */
function checkMatcherList(v: unknown, path: PathPart[], out: ConfigIssue[]): void {
  list(v).forEach((text, i) => {
    if (typeof text !== 'string') {
      out.push({ path: [...path, i], code: 'matcher', message: 'is not a matcher string', value: text, hint: 'write matchers as strings such as severity="critical"' });
      return;
    }
    try {
      for (const m of parseMatchers(text)) {
        if (m.op !== '=~' && m.op !== '!~') continue;
        const problem = re2Problem(m.value);
        if (problem) out.push({ path: [...path, i], code: 'matcher', message: `invalid regular expression in ${m.name}${m.op}: ${problem}`, value: text, hint: 'Alertmanager compiles matcher regexes as RE2 (Go), anchored at both ends' });
      }
    } catch (e) {
      out.push({ path: [...path, i], code: 'matcher', message: (e as Error).message, value: text, hint: 'matchers are label="value", label!="value", label=~"regex" or label!~"regex"; quote values and escape " and \\ inside them' });
    }
  });
}

/** The deprecated map forms `match` / `match_re` (and `source_match` ...): label names, and RE2 for the regex map. */
function checkMatchMaps(o: Obj, eq: string, re: string, path: PathPart[], out: ConfigIssue[]): void {
  for (const k of Object.keys(isObj(o[eq]) ? (o[eq] as Obj) : {})) checkLabelName(k, [...path, eq, k], out, eq);
  for (const [k, v] of Object.entries(isObj(o[re]) ? (o[re] as Obj) : {})) {
    checkLabelName(k, [...path, re, k], out, re);
    const problem = re2Problem(String(v));
    if (problem) out.push({ path: [...path, re, k], code: 'matcher', message: `invalid regexp value for ${JSON.stringify(k)}: ${problem}`, value: v, hint: 'RE2 syntax, anchored at both ends' });
  }
}

/**
 * A URL Alertmanager sends to: it parses, is http(s) with a host, and holds no credentials.
 * `fileKey` names the `*_file` field that takes the URL from a file instead.
 */
export function checkUrl(v: unknown, path: PathPart[], out: ConfigIssue[], fileKey?: string): void {
  if (typeof v !== 'string') {
    out.push({ path, code: 'url', message: 'is not a URL string', value: v, hint: 'give an absolute http:// or https:// URL' });
    return;
  }
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || !u.host) {
    out.push({ path, code: 'url', message: u ? `unsupported scheme ${JSON.stringify(u.protocol.replace(/:$/, ''))} or missing host for URL` : 'is not a URL', value: redactUrl(v), hint: 'give an absolute http:// or https:// URL with a host' });
    return;
  }
  const secret = urlCredentials(v);
  if (secret) {
    out.push({
      path,
      code: 'secret-in-url',
      message: `the URL carries a credential (${secret}), which would be written into the bundle in plain text`,
      value: redactUrl(v),
      hint: fileKey ? `put the whole URL in a file and reference it with ${fileKey} (obsgen never writes secrets into a bundle)` : 'move the credential out of the URL into a *_file setting (obsgen never writes secrets into a bundle)',
    });
  }
}

function exactlyOne(o: Obj, keys: string[], path: PathPart[], out: ConfigIssue[], required: boolean): void {
  const set = keys.filter((k) => o[k] !== undefined && o[k] !== '');
  if (set.length > 1) out.push({ path: [...path, set[1]!], code: 'receiver-config', message: `at most one of ${keys.join(' & ')} must be configured`, hint: `keep ${set[0]} or ${set[1]}` });
  else if (required && set.length === 0) out.push({ path, code: 'receiver-config', message: `one of ${keys.join(' or ')} must be configured`, hint: `set ${keys.join(' or ')}` });
}

function checkHostPort(v: unknown, path: PathPart[], out: ConfigIssue[]): void {
  if (v === undefined || v === '') return;
  if (typeof v !== 'string' || !/^(\[[^\]]+\]|[^:[\]\s]+):\d+$/.test(v)) out.push({ path, code: 'receiver-config', message: `address ${JSON.stringify(v)} is not host:port`, value: v, hint: 'give host:port, e.g. smtp.example.com:587' });
}

function checkFileRef(v: unknown, path: PathPart[], out: ConfigIssue[]): void {
  if (v !== undefined && (typeof v !== 'string' || v === '')) out.push({ path, code: 'receiver-config', message: 'is not a file path', value: v, hint: 'give the path of the file that holds the secret, e.g. /run/secrets/slack_api_url' });
}

function checkHttpConfig(h: unknown, path: PathPart[], out: ConfigIssue[]): void {
  if (!isObj(h)) return;
  const auth = ['basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file'].filter((k) => h[k] !== undefined);
  if (auth.length > 1) out.push({ path, code: 'receiver-config', message: `at most one of ${auth.join(', ')} must be configured`, hint: 'keep one way to authenticate' });
  // Inline secrets: Alertmanager takes them, obsgen never writes them (it has the *_file forms).
  const inline: [unknown, PathPart[], string][] = [
    [h.bearer_token, ['bearer_token'], 'bearer_token_file'],
    [isObj(h.authorization) ? h.authorization.credentials : undefined, ['authorization', 'credentials'], 'authorization.credentials_file'],
    [isObj(h.basic_auth) ? h.basic_auth.password : undefined, ['basic_auth', 'password'], 'basic_auth.password_file'],
  ];
  for (const [v, p, file] of inline) {
    if (v !== undefined) out.push({ path: [...path, ...p], code: 'secret-in-config', message: 'a credential written into the config in plain text', hint: `read it from a file with ${file}` });
  }
  if (isObj(h.basic_auth)) {
    checkFileRef(h.basic_auth.password_file, [...path, 'basic_auth', 'password_file'], out);
  }
  if (isObj(h.authorization)) {
    if (String(h.authorization.type ?? '').toLowerCase() === 'basic') out.push({ path: [...path, 'authorization', 'type'], code: 'receiver-config', message: 'authorization type cannot be set to "basic"', hint: 'use basic_auth with password_file' });
    checkFileRef(h.authorization.credentials_file, [...path, 'authorization', 'credentials_file'], out);
  }
  if (h.proxy_url !== undefined) checkUrl(h.proxy_url, [...path, 'proxy_url'], out);
}

interface Globals {
  smarthost: boolean;
  from: boolean;
  slackUrl: boolean;
}

function checkReceiver(r: unknown, path: PathPart[], out: ConfigIssue[], g: Globals): void {
  if (!isObj(r)) return;
  list(r.webhook_configs).forEach((w, i) => {
    const p = [...path, 'webhook_configs', i];
    if (!isObj(w)) return;
    exactlyOne(w, ['url', 'url_file'], p, out, true);
    if (w.url !== undefined) checkUrl(w.url, [...p, 'url'], out, 'url_file');
    checkFileRef(w.url_file, [...p, 'url_file'], out);
    if (w.max_alerts !== undefined && !(Number.isInteger(w.max_alerts) && (w.max_alerts as number) >= 0)) out.push({ path: [...p, 'max_alerts'], code: 'receiver-config', message: 'max_alerts is not a non-negative integer', value: w.max_alerts, hint: 'give 0 (no limit) or a positive integer' });
    checkHttpConfig(w.http_config, [...p, 'http_config'], out);
  });
  list(r.slack_configs).forEach((s, i) => {
    const p = [...path, 'slack_configs', i];
    if (!isObj(s)) return;
    exactlyOne(s, ['api_url', 'api_url_file'], p, out, false);
    if (s.api_url === undefined && s.api_url_file === undefined && !g.slackUrl) out.push({ path: p, code: 'receiver-config', message: 'no Slack API URL set, neither here (api_url_file) nor globally (slack_api_url_file)', hint: 'give the file that holds the Slack webhook URL' });
    if (s.api_url !== undefined) checkUrl(s.api_url, [...p, 'api_url'], out, 'api_url_file');
    checkFileRef(s.api_url_file, [...p, 'api_url_file'], out);
    checkHttpConfig(s.http_config, [...p, 'http_config'], out);
  });
  list(r.pagerduty_configs).forEach((pd, i) => {
    const p = [...path, 'pagerduty_configs', i];
    if (!isObj(pd)) return;
    const keys = ['routing_key', 'routing_key_file', 'service_key', 'service_key_file'];
    if (!keys.some((k) => pd[k] !== undefined && pd[k] !== '')) out.push({ path: p, code: 'receiver-config', message: 'missing service or routing key in PagerDuty config', hint: 'give routing_key_file (Events API v2)' });
    exactlyOne(pd, ['routing_key', 'routing_key_file'], p, out, false);
    exactlyOne(pd, ['service_key', 'service_key_file'], p, out, false);
    for (const k of ['routing_key_file', 'service_key_file']) checkFileRef(pd[k], [...p, k], out);
    if (pd.url !== undefined) checkUrl(pd.url, [...p, 'url'], out);
    checkHttpConfig(pd.http_config, [...p, 'http_config'], out);
  });
  list(r.email_configs).forEach((e, i) => {
    const p = [...path, 'email_configs', i];
    if (!isObj(e)) return;
    if (typeof e.to !== 'string' || e.to.trim() === '') out.push({ path: [...p, 'to'], code: 'receiver-config', message: 'missing to address in email config', value: e.to, hint: 'give the recipient address, e.g. oncall@example.com' });
    if (!e.smarthost && !g.smarthost) out.push({ path: p, code: 'receiver-config', message: 'no SMTP smarthost set, neither here nor globally', hint: 'set the email smarthost, or alerting.smtp.smarthost' });
    if (!e.from && !g.from) out.push({ path: p, code: 'receiver-config', message: 'no SMTP from set, neither here nor globally', hint: 'set the email from address, or alerting.smtp.from' });
    checkHostPort(e.smarthost, [...p, 'smarthost'], out);
    exactlyOne(e, ['auth_password', 'auth_password_file'], p, out, false);
    checkFileRef(e.auth_password_file, [...p, 'auth_password_file'], out);
  });
  for (const kind of EXTRA_RECEIVER_KINDS) {
    list(r[`${kind}_configs`]).forEach((c, i) => {
      const p = [...path, `${kind}_configs`, i];
      if (isObj(c)) checkExtraReceiver(kind, c, p, out);
    });
  }
}

/** opsgenie, victorops, pushover, ...: what Alertmanager requires, secrets from files only, URLs. */
function checkExtraReceiver(kind: ExtraReceiverKind, c: Obj, p: PathPart[], out: ConfigIssue[]): void {
  const spec = RECEIVER_SPECS[kind];
  const set = (k: string) => c[k] !== undefined && c[k] !== '';
  for (const keys of spec.required) {
    if (keys.length > 1) exactlyOne(c, keys, p, out, true);
    else if (!set(keys[0]!)) out.push({ path: [...p, keys[0]!], code: 'receiver-config', message: `missing ${keys[0]} in ${kind}_config`, hint: `set ${keys[0]}` });
  }
  for (const [inline, file] of Object.entries(spec.secrets)) {
    // Alertmanager takes the inline form; obsgen never writes a secret into a bundle.
    if (c[inline] !== undefined) out.push({ path: [...p, inline], code: 'secret-in-config', message: 'a credential written into the config in plain text', hint: `read it from a file with ${file}` });
    checkFileRef(c[file], [...p, file], out);
  }
  for (const k of spec.urls) if (c[k] !== undefined) checkUrl(c[k], [...p, k], out);
  if (kind === 'telegram' && c.chat_id !== undefined && !Number.isInteger(c.chat_id)) out.push({ path: [...p, 'chat_id'], code: 'receiver-config', message: 'chat_id is not an integer', value: c.chat_id, hint: 'give the numeric chat id, e.g. -1001234567890' });
  if (kind === 'webex') {
    const h = isObj(c.http_config) ? c.http_config : {};
    if (!isObj(h.authorization)) out.push({ path: [...p, 'http_config'], code: 'receiver-config', message: 'missing webex_configs.http_config.authorization', hint: 'give the bot token in a file (http_config.authorization.credentials_file)' });
  }
  checkHttpConfig(c.http_config, [...p, 'http_config'], out);
}

// ---- routes ----

function walkRoute(r: unknown, path: PathPart[], out: ConfigIssue[], receivers: Set<string>, intervals: Set<string>, root: boolean): void {
  if (!isObj(r)) {
    out.push({ path, code: 'route', message: 'is not a route object', value: r, hint: 'a route is a mapping with receiver, matchers, routes, ...' });
    return;
  }
  if (root) {
    if (typeof r.receiver !== 'string' || r.receiver === '') out.push({ path: [...path, 'receiver'], code: 'route', message: 'root route must specify a default receiver', hint: 'name the receiver of alerts no route matches' });
    if (r.matchers !== undefined || r.match !== undefined || r.match_re !== undefined) out.push({ path, code: 'route', message: 'root route must not have any matchers', hint: 'the root route takes every alert; put matchers on child routes' });
    if (r.mute_time_intervals !== undefined || r.active_time_intervals !== undefined) out.push({ path, code: 'route', message: 'root route must not have any mute or active time intervals', hint: 'put time intervals on child routes' });
    if (r.continue === true) out.push({ path: [...path, 'continue'], code: 'route', message: 'cannot have continue in root route', hint: 'remove continue from the root route' });
  }
  if (r.receiver !== undefined && typeof r.receiver === 'string' && r.receiver !== '' && !receivers.has(r.receiver)) {
    out.push({ path: [...path, 'receiver'], code: 'unknown-receiver', message: `undefined receiver ${JSON.stringify(r.receiver)} used in route`, value: r.receiver, hint: `define it, or use one of: ${[...receivers].sort().join(', ') || '(none)'}` });
  }
  if (r.group_by !== undefined) checkGroupBy(r.group_by, [...path, 'group_by'], out);
  if (r.group_wait !== undefined) checkDuration(r.group_wait, [...path, 'group_wait'], out, false);
  if (r.group_interval !== undefined) checkDuration(r.group_interval, [...path, 'group_interval'], out, true);
  if (r.repeat_interval !== undefined) checkDuration(r.repeat_interval, [...path, 'repeat_interval'], out, true);
  checkMatcherList(r.matchers, [...path, 'matchers'], out);
  checkMatchMaps(r, 'match', 'match_re', path, out);
  for (const key of ['mute_time_intervals', 'active_time_intervals']) {
    list(r[key]).forEach((name, i) => {
      if (typeof name !== 'string' || !intervals.has(name)) {
        out.push({ path: [...path, key, i], code: 'unknown-time-interval', message: `undefined time interval ${JSON.stringify(name)} used in route`, value: name, hint: `define it under time_intervals${intervals.size ? `, or use one of: ${[...intervals].sort().join(', ')}` : ''}` });
      }
    });
  }
  list(r.routes).forEach((c, i) => walkRoute(c, [...path, 'routes', i], out, receivers, intervals, false));
}

/** Every problem Alertmanager (or obsgen, for values that can never match) finds in this config. */
export function validateAlertmanagerConfig(config: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (!isObj(config)) return [{ path: [], code: 'config', message: 'alertmanager.yml is not a YAML mapping', hint: 'the file holds global, route, receivers, ... at its top level' }];
  const global = isObj(config.global) ? config.global : {};
  if (global.resolve_timeout !== undefined) checkDuration(global.resolve_timeout, ['global', 'resolve_timeout'], out, false);
  checkHostPort(global.smtp_smarthost, ['global', 'smtp_smarthost'], out);
  for (const [inline, file] of [['smtp_auth_password', 'smtp_auth_password_file'], ['slack_api_url', 'slack_api_url_file']] as const) {
    if (global[inline] !== undefined && global[file] !== undefined) out.push({ path: ['global', file], code: 'receiver-config', message: `at most one of ${inline} & ${file} must be configured`, hint: `keep ${file}` });
    checkFileRef(global[file], ['global', file], out);
  }
  if (global.slack_api_url !== undefined) checkUrl(global.slack_api_url, ['global', 'slack_api_url'], out, 'slack_api_url_file');
  const g: Globals = { smarthost: !!global.smtp_smarthost, from: !!global.smtp_from, slackUrl: global.slack_api_url !== undefined || global.slack_api_url_file !== undefined };

  const receivers = new Set<string>();
  list(config.receivers).forEach((r, i) => {
    const name = isObj(r) ? r.name : undefined;
    if (typeof name !== 'string' || name === '') out.push({ path: ['receivers', i, 'name'], code: 'receiver-config', message: 'missing name in receiver', hint: 'give every receiver a name' });
    else if (receivers.has(name)) out.push({ path: ['receivers', i, 'name'], code: 'receiver-config', message: `notification config name ${JSON.stringify(name)} is not unique`, value: name, hint: 'receiver names must be unique: rename or merge one' });
    else receivers.add(name);
    checkReceiver(r, ['receivers', i], out, g);
  });

  const intervals = new Set<string>();
  for (const key of ['mute_time_intervals', 'time_intervals']) {
    list(config[key]).forEach((t, i) => {
      const name = isObj(t) ? t.name : undefined;
      if (typeof name !== 'string' || name === '') out.push({ path: [key, i, 'name'], code: 'time-interval', message: `missing name in ${key === 'time_intervals' ? 'time interval' : 'mute time interval'}`, hint: 'give every time interval a name' });
      else if (intervals.has(name)) out.push({ path: [key, i, 'name'], code: 'time-interval', message: `time interval ${JSON.stringify(name)} is not unique`, value: name, hint: 'time interval names must be unique across time_intervals and mute_time_intervals' });
      else intervals.add(name);
      if (isObj(t)) list(t.time_intervals).forEach((ti, j) => checkTimeInterval(ti, [key, i, 'time_intervals', j], out));
    });
  }

  if (config.route === undefined) out.push({ path: ['route'], code: 'route', message: 'no route provided in config', hint: 'add a route with a default receiver' });
  else walkRoute(config.route, ['route'], out, receivers, intervals, true);

  list(config.inhibit_rules).forEach((r, i) => {
    if (!isObj(r)) return;
    const p: PathPart[] = ['inhibit_rules', i];
    checkMatcherList(r.source_matchers, [...p, 'source_matchers'], out);
    checkMatcherList(r.target_matchers, [...p, 'target_matchers'], out);
    checkMatchMaps(r, 'source_match', 'source_match_re', p, out);
    checkMatchMaps(r, 'target_match', 'target_match_re', p, out);
    list(r.equal).forEach((l, j) => checkLabelName(l, [...p, 'equal', j], out, 'equal'));
  });
  return out;
}
