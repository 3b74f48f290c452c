/**
 * Alertmanager routing under prometheus-operator, two ways (kubernetes.alertmanager):
 * - 'alertmanagerConfig': an AlertmanagerConfig (monitoring.coreos.com/v1alpha1): the route tree,
 *   receivers reading their keys from the credentials Secret, inhibit rules, time intervals. The
 *   operator nests it under its global route with a `namespace` matcher (see docs/kubernetes.md).
 * - 'secret': alertmanager.yaml as it is in compose, in a Secret for the Alertmanager's
 *   `configSecret`, its *_file paths pointing where the operator mounts the credentials Secret.
 * Receivers are read from the compose config (alertmanagerYaml), so both targets send the same messages.
 */
import type { Diagnostics } from '../../core/diagnostics.ts';
import { joinPath } from '../../core/diagnostics.ts';
import type { Matcher } from '../../core/model.ts';
import { alertmanagerYaml, NULL_RECEIVER } from '../../alertmanager/build.ts';
import { routeMatchers } from '../../alertmanager/matchers.ts';
import type { RouteProps } from '../../alertmanager/schema.ts';
import type { Bundle } from '../../stack/bundle.ts';
import type { KubernetesTargetConfig } from '../../stack/targets.ts';
import { toYaml } from '../yaml.ts';
import { type CredentialsSecret, type KubeObject, metadata, objectName } from './common.ts';

type Obj = Record<string, unknown>;

function matcherCrd(m: Matcher): Obj {
  return { name: m.name, matchType: m.op, value: m.value };
}

function routeCrd(r: RouteProps): Obj {
  const out: Obj = {};
  if (r.receiver) out.receiver = r.receiver;
  const ms = routeMatchers(r);
  if (ms.length) out.matchers = ms.map(matcherCrd);
  if (r.groupBy) out.groupBy = r.groupBy;
  if (r.groupWait) out.groupWait = r.groupWait;
  if (r.groupInterval) out.groupInterval = r.groupInterval;
  if (r.repeatInterval) out.repeatInterval = r.repeatInterval;
  if (r.continue) out.continue = true;
  if (r.muteTimeIntervals?.length) out.muteTimeIntervals = r.muteTimeIntervals;
  if (r.activeTimeIntervals?.length) out.activeTimeIntervals = r.activeTimeIntervals;
  if (r.routes?.length) out.routes = r.routes.map(routeCrd);
  return out;
}

/** One receiver of alertmanager.yml (snake_case, *_file) -> the CRD's receiver (camelCase, Secret keys). */
function receiverCrd(r: Obj, smtp: Obj, creds: CredentialsSecret, source: string): Obj {
  const name = String(r.name);
  const ref = (file: unknown, what: string) => creds.ref(String(file), `${what} of receiver ${name}`, source);
  const out: Obj = { name };
  const httpConfig = (h: Obj | undefined): Obj | undefined => {
    if (!h) return undefined;
    const a = h.authorization as Obj | undefined;
    const b = h.basic_auth as Obj | undefined;
    return {
      ...(a ? { authorization: { type: a.type ?? 'Bearer', credentials: ref(a.credentials_file, 'bearer token') } } : {}),
      ...(b ? { basicAuth: { username: creds.literal(`${objectName(name)}-username`, `basic-auth username of receiver ${name}: the value ${JSON.stringify(b.username)}`, source), password: ref(b.password_file, 'basic-auth password') } } : {}),
    };
  };
  const list = (key: string) => (r[key] as Obj[] | undefined) ?? [];
  const webhooks = list('webhook_configs').map((w) => ({
    ...(w.url !== undefined ? { url: w.url } : {}),
    ...(w.url_file !== undefined ? { urlSecret: ref(w.url_file, 'webhook URL') } : {}),
    sendResolved: w.send_resolved,
    ...(w.max_alerts !== undefined ? { maxAlerts: w.max_alerts } : {}),
    ...(w.http_config ? { httpConfig: httpConfig(w.http_config as Obj) } : {}),
  }));
  const slacks = list('slack_configs').map((s) => ({ apiURL: ref(s.api_url_file, 'Slack webhook URL'), channel: s.channel, sendResolved: s.send_resolved, title: s.title, text: s.text }));
  const pagerduties = list('pagerduty_configs').map((p) => ({ routingKey: ref(p.routing_key_file, 'PagerDuty routing key'), sendResolved: p.send_resolved, ...(p.severity ? { severity: p.severity } : {}) }));
  // AlertmanagerConfig has no global section: the stack's smtp settings go on each email receiver.
  const emails = list('email_configs').map((e) => {
    const password = e.auth_password_file ?? smtp.smtp_auth_password_file;
    const username = e.auth_username ?? smtp.smtp_auth_username;
    const requireTls = e.require_tls ?? smtp.smtp_require_tls;
    return {
      to: e.to,
      sendResolved: e.send_resolved,
      ...((e.from ?? smtp.smtp_from) ? { from: e.from ?? smtp.smtp_from } : {}),
      ...((e.smarthost ?? smtp.smtp_smarthost) ? { smarthost: e.smarthost ?? smtp.smtp_smarthost } : {}),
      ...(username ? { authUsername: username } : {}),
      ...(password ? { authPassword: ref(password, 'SMTP password') } : {}),
      ...(requireTls !== undefined ? { requireTLS: requireTls } : {}),
    };
  });
  if (webhooks.length) out.webhookConfigs = webhooks;
  if (slacks.length) out.slackConfigs = slacks;
  if (pagerduties.length) out.pagerdutyConfigs = pagerduties;
  if (emails.length) out.emailConfigs = emails;
  return out;
}

/** `1:7` -> { start: 1, end: 7 }; `-1` -> { start: -1, end: -1 }. */
function dayRange(text: string): Obj {
  const [a, b] = text.split(':');
  return { start: Number(a), end: Number(b ?? a) };
}

function alertmanagerConfig(bundle: Bundle, config: KubernetesTargetConfig, creds: CredentialsSecret, diag: Diagnostics): KubeObject {
  const a = bundle.alerting;
  const yaml = alertmanagerYaml(a, bundle.inhibitRules);
  const smtp = yaml.global as Obj;
  const receivers = (yaml.receivers as Obj[]).map((r) => receiverCrd(r, smtp, creds, joinPath('alerting', 'receivers', String(r.name))));
  const intervals = Object.keys(a.timeIntervals).sort();
  const muteTimeIntervals = intervals.map((name) => ({
    name,
    timeIntervals: a.timeIntervals[name]!.map((t, i) => {
      if (t.location) {
        diag.error(joinPath('alerting', 'timeIntervals', name, i, 'location'), 'kubernetes-time-zone', `time interval ${JSON.stringify(name)} is read in ${t.location}, which an AlertmanagerConfig cannot say (its intervals are UTC)`, {
          value: t.location,
          hint: "set kubernetes.alertmanager: 'secret' to ship the whole alertmanager.yaml (with location) to the operator's Alertmanager, or write the interval in UTC",
        });
      }
      return {
        ...(t.times ? { times: t.times.map((x) => ({ startTime: x.start, endTime: x.end })) } : {}),
        ...(t.weekdays ? { weekdays: t.weekdays } : {}),
        ...(t.daysOfMonth ? { daysOfMonth: t.daysOfMonth.map(dayRange) } : {}),
        ...(t.months ? { months: t.months } : {}),
        ...(t.years ? { years: t.years } : {}),
      };
    }),
  }));
  const spec: Obj = {
    route: {
      receiver: a.defaultReceiver ?? NULL_RECEIVER,
      groupBy: a.groupBy,
      groupWait: a.groupWait,
      groupInterval: a.groupInterval,
      repeatInterval: a.repeatInterval,
      ...(a.routes.length ? { routes: a.routes.map(routeCrd) } : {}),
    },
    receivers,
    ...(bundle.inhibitRules.length
      ? { inhibitRules: bundle.inhibitRules.map((r) => ({ sourceMatch: r.sourceMatchers.map(matcherCrd), targetMatch: r.targetMatchers.map(matcherCrd), equal: r.equal })) }
      : {}),
    ...(muteTimeIntervals.length ? { muteTimeIntervals } : {}),
  };
  const name = objectName(bundle.stack);
  return {
    file: `alertmanagerconfig-${name}.yaml`,
    source: 'alerting',
    object: { apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig', metadata: metadata(name, config.namespace, bundle.stack, config.monitorLabels), spec },
  };
}

/** Where the operator mounts a Secret listed in the Alertmanager's `spec.secrets`. */
export function alertmanagerSecretMount(secret: string, key: string): string {
  return `/etc/alertmanager/secrets/${secret}/${key}`;
}

function alertmanagerSecret(bundle: Bundle, config: KubernetesTargetConfig, creds: CredentialsSecret): KubeObject {
  const data = alertmanagerYaml(bundle.alerting, bundle.inhibitRules);
  const repoint = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((x, i) => repoint(x, `${path}[${i}]`));
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node as Obj).map(([k, v]) => {
          if (typeof v === 'string' && k.endsWith('_file')) {
            const r = creds.ref(v, `${k} in alertmanager.yaml (${path})`, 'alerting');
            return [k, alertmanagerSecretMount(r.name, r.key)];
          }
          return [k, repoint(v, path ? `${path}.${k}` : k)];
        }),
      );
    }
    return node;
  };
  const name = config.alertmanagerSecret ?? objectName('alertmanager', bundle.stack);
  return {
    file: `secret-${name}.yaml`,
    source: 'alerting',
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: metadata(name, config.namespace, bundle.stack, {}),
      type: 'Opaque',
      // The configuration only: every credential in it is a path into the credentials Secret.
      stringData: { 'alertmanager.yaml': toYaml(repoint(data, '')) },
    },
  };
}

export function alertmanagerObject(bundle: Bundle, config: KubernetesTargetConfig, creds: CredentialsSecret, diag: Diagnostics): KubeObject {
  return config.alertmanager === 'secret' ? alertmanagerSecret(bundle, config, creds) : alertmanagerConfig(bundle, config, creds, diag);
}
