/**
 * The runtime copies of a bundle's configs: the same files with what only makes sense in
 * containers replaced (service names -> 127.0.0.1:<port>, /run/secrets/* -> files in the
 * state folder) and, on request, faster timing for tests. The bundle itself is never touched.
 */
import { parseDuration } from '../../core/duration.ts';

export interface TimingOverrides {
  /** Global and per-job scrape_interval (scrape_timeout follows). */
  scrapeInterval?: string;
  /** Global evaluation_interval and every rule group's `interval`. */
  evaluationInterval?: string;
  /** Caps every alert's `for:` (the bundle keeps its own; say so wherever you use it). */
  maxFor?: string;
  /** Alertmanager route timing, on the root route and every route that sets it. */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Rewrites every string value under a key ending in `_file` (secrets, credentials, CA files). */
export function mapFileRefs(node: unknown, map: (file: string, key: string) => string): void {
  if (Array.isArray(node)) for (const v of node) mapFileRefs(v, map);
  else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string' && k.endsWith('_file')) node[k] = map(v, k);
      else mapFileRefs(v, map);
    }
  }
}

/** SD mechanisms Debian's Prometheus build does not compile in: jobs using them are left out. */
const UNSUPPORTED_SD = ['kubernetes_sd_configs', 'consul_sd_configs', 'azure_sd_configs', 'gce_sd_configs', 'ec2_sd_configs', 'nomad_sd_configs'];

export interface PrometheusRewrite {
  config: Obj;
  /** Targets no started process stands behind (left as they are: they will be down). */
  unresolved: { job: string; target: string }[];
  /** Jobs dropped because Debian's Prometheus cannot load their service discovery. */
  droppedJobs: { job: string; reason: string }[];
}

export interface PrometheusRewriteInput {
  /** `host:port` as written in the bundle -> `127.0.0.1:<port>`. */
  addresses: Map<string, string>;
  timing: TimingOverrides;
  fileRef: (file: string, key: string) => string;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * A probe target is a URL the blackbox exporter fetches, not a process to start: when its
 * host:port is a started process, the URL points there; otherwise it is probed as written.
 */
export function rewriteUrl(target: string, addresses: Map<string, string>): string | undefined {
  return rewriteUrlTarget(target, addresses);
}

function rewriteUrlTarget(target: string, addresses: Map<string, string>): string | undefined {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  const port = url.port || DEFAULT_PORTS[url.protocol];
  const hit = addresses.get(url.host) ?? (port ? addresses.get(`${url.hostname}:${port}`) : undefined);
  if (hit === undefined) return undefined;
  url.host = hit;
  // URL keeps the path as given; an explicit ':80' is what the address map holds.
  return url.toString();
}

export function isUrlTarget(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

function rewriteStaticTargets(staticConfigs: unknown, addresses: Map<string, string>, onMiss: (t: string) => void): void {
  if (!Array.isArray(staticConfigs)) return;
  for (const sc of staticConfigs) {
    if (!isObj(sc) || !Array.isArray(sc.targets)) continue;
    sc.targets = sc.targets.map((t: unknown) => {
      const s = String(t);
      const hit = isUrlTarget(s) ? rewriteUrlTarget(s, addresses) : addresses.get(s);
      if (hit === undefined) onMiss(s);
      return hit ?? s;
    });
  }
}

/** What `obsgen stack up` says about a target no started process stands behind. */
export function unresolvedTargetMessage(u: { job: string; target: string }): string {
  if (isUrlTarget(u.target)) {
    let host = u.target;
    try {
      host = new URL(u.target).host;
    } catch {
      // not a URL after all: say it as written
    }
    return `probe target ${u.target} of job ${u.job}: the blackbox exporter probes this URL as written (no process started here serves ${host}); the probe fails unless the URL is reachable from this machine`;
  }
  return `not started: target ${u.target} of job ${u.job}: no Debian binary for it; pass --with ${u.target.split(':')[0]}=<command> (it stays down)`;
}

export function rewritePrometheusConfig(source: Obj, input: PrometheusRewriteInput): PrometheusRewrite {
  const config = structuredClone(source);
  const { timing } = input;
  const unresolved: PrometheusRewrite['unresolved'] = [];
  const droppedJobs: PrometheusRewrite['droppedJobs'] = [];
  const global = (isObj(config.global) ? config.global : (config.global = {})) as Obj;
  if (timing.scrapeInterval) {
    global.scrape_interval = timing.scrapeInterval;
    if (global.scrape_timeout !== undefined) global.scrape_timeout = timing.scrapeInterval;
  }
  if (timing.evaluationInterval) global.evaluation_interval = timing.evaluationInterval;
  const jobs = Array.isArray(config.scrape_configs) ? (config.scrape_configs as Obj[]) : [];
  config.scrape_configs = jobs.filter((job) => {
    const name = String(job.job_name);
    const sd = UNSUPPORTED_SD.find((k) => k in job);
    if (sd) {
      droppedJobs.push({ job: name, reason: `${sd} is not compiled into Debian's prometheus` });
      return false;
    }
    if (timing.scrapeInterval) {
      if (job.scrape_interval !== undefined) job.scrape_interval = timing.scrapeInterval;
      if (job.scrape_timeout !== undefined) job.scrape_timeout = timing.scrapeInterval;
    }
    // A job whose relabeling sets __address__ to a fixed exporter (blackbox probes) scrapes that
    // exporter; its static targets are what the exporter probes, and stay as they are.
    const fixed = Array.isArray(job.relabel_configs)
      ? (job.relabel_configs as Obj[]).filter((r) => r.target_label === '__address__' && !r.source_labels && typeof r.replacement === 'string' && !r.replacement.includes('$'))
      : [];
    if (fixed.length) {
      for (const r of fixed) {
        const hit = input.addresses.get(r.replacement as string);
        if (hit === undefined) unresolved.push({ job: name, target: r.replacement as string });
        else r.replacement = hit;
      }
    } else rewriteStaticTargets(job.static_configs, input.addresses, (target) => unresolved.push({ job: name, target }));
    return true;
  });
  const alerting = isObj(config.alerting) ? config.alerting : undefined;
  if (alerting && Array.isArray(alerting.alertmanagers)) {
    for (const am of alerting.alertmanagers) {
      if (isObj(am)) rewriteStaticTargets(am.static_configs, input.addresses, (target) => unresolved.push({ job: 'alerting.alertmanagers', target }));
    }
  }
  // remote_write to a store the runner started (the long-term store of docs/ha.md); others stay as written.
  if (Array.isArray(config.remote_write)) {
    for (const rw of config.remote_write) {
      if (!isObj(rw) || typeof rw.url !== 'string') continue;
      const hit = rewriteUrlTarget(rw.url, input.addresses);
      if (hit === undefined) unresolved.push({ job: 'remote_write', target: rw.url });
      else rw.url = hit;
    }
  }
  mapFileRefs(config, input.fileRef);
  return { config, unresolved, droppedJobs };
}

export interface RuleRewrite {
  doc: Obj;
  /** Alerts whose `for:` was shortened: name, bundle value, runtime value. */
  cappedFor: { alert: string; from: string; to: string }[];
  rules: number;
}

export function rewriteRuleFile(source: Obj, timing: TimingOverrides): RuleRewrite {
  const doc = structuredClone(source);
  const cappedFor: RuleRewrite['cappedFor'] = [];
  let rules = 0;
  const cap = timing.maxFor ? parseDuration(timing.maxFor) : undefined;
  for (const group of Array.isArray(doc.groups) ? (doc.groups as Obj[]) : []) {
    if (timing.evaluationInterval && group.interval !== undefined) group.interval = timing.evaluationInterval;
    for (const rule of Array.isArray(group.rules) ? (group.rules as Obj[]) : []) {
      rules++;
      if (cap === undefined || typeof rule.for !== 'string') continue;
      const ms = parseDuration(rule.for);
      if (ms !== undefined && ms > cap) {
        cappedFor.push({ alert: String(rule.alert), from: rule.for, to: timing.maxFor! });
        rule.for = timing.maxFor;
      }
    }
  }
  return { doc, cappedFor, rules };
}

export interface AlertmanagerRewriteInput {
  /** Replace every receiver by one webhook receiver of the same name (routes keep working). */
  webhookUrl?: string;
  timing: TimingOverrides;
  fileRef: (file: string, key: string) => string;
}

function routeTiming(route: unknown, timing: TimingOverrides, root: boolean): void {
  if (!isObj(route)) return;
  const set = (key: string, v: string | undefined) => {
    if (v && (root || route[key] !== undefined)) route[key] = v;
  };
  set('group_wait', timing.groupWait);
  set('group_interval', timing.groupInterval);
  set('repeat_interval', timing.repeatInterval);
  if (Array.isArray(route.routes)) for (const r of route.routes) routeTiming(r, timing, false);
}

export function rewriteAlertmanagerConfig(source: Obj, input: AlertmanagerRewriteInput): { config: Obj; receivers: string[] } {
  const config = structuredClone(source);
  routeTiming(config.route, input.timing, true);
  const receivers = Array.isArray(config.receivers) ? (config.receivers as Obj[]) : [];
  if (input.webhookUrl) {
    config.receivers = receivers.map((r) => ({ name: r.name, webhook_configs: [{ url: input.webhookUrl, send_resolved: true }] }));
    // Global integration secrets (slack_api_url_file, ...) are no longer used by any receiver.
    if (isObj(config.global)) for (const k of Object.keys(config.global)) if (k.endsWith('_file')) delete config.global[k];
  }
  mapFileRefs(config, input.fileRef);
  return { config, receivers: receivers.map((r) => String(r.name)) };
}
