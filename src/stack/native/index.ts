/**
 * The native stack runner: starts a built bundle's compose stack without Docker, from
 * Debian binaries on 127.0.0.1 (see docs/stack-runner.md).
 *
 *   const h = await startStack('out/financial-api', { with: { api: 'node app.js --port {port}' } });
 *   h.urls.prometheus; h.port('api'); await h.reload(); await h.stop();
 *
 * Everything it starts is recorded (pid, kernel start time, port, log) in the state folder
 * (default .obsgen/stacks/<stack>/); `stopStack`/`obsgen stack down` stop exactly those.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, chownSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { kindOfImage, kindOfTarget, NATIVE, type NativeKind } from './catalog.ts';
import { parseCompose, type ComposeFile, type ComposeService } from './compose.ts';
import { freePorts, tcpOpen } from './ports.ts';
import { hasTool } from '../../emit/verify.ts';
import { CLUSTER_PORT } from '../topology.ts';
import { bundleReads, statusCodeLabel, type BundleReads } from './reads.ts';
import { isAlive, killNow, spawnManaged, stopProcess, type StopResult } from './process.ts';
import { isUrlTarget, rewriteAlertmanagerConfig, rewritePrometheusConfig, rewriteRuleFile, rewriteUrl, type TimingOverrides } from './rewrite.ts';

export { freePort, freePorts } from './ports.ts';
export type { TimingOverrides } from './rewrite.ts';
export { isAlive } from './process.ts';
export { scriptCommand, demoServiceCommand, webhookSinkCommand } from './scripts.ts';
export { bundleReads, missingMetrics, statusCodeLabel, type MissingReport } from './reads.ts';

export interface ExtraProcess {
  name: string;
  /** Shell command; `{port}` is its port, `{port:NAME}` another process's port. */
  command: string;
  /** Fixed port; default: a free one. */
  port?: number;
}

export interface StartOptions extends TimingOverrides {
  /** Default: .obsgen/stacks/<stack> under the current directory. */
  stateDir?: string;
  /**
   * Commands for what has no Debian binary (your app): key is a compose service, a target
   * host (`api` for `api:8000`) or a scrape job name; value a shell command where `{port}`
   * is the port it must listen on (also in $PORT) on 127.0.0.1.
   */
  with?: Record<string, string>;
  /** More processes to start and stop with the stack (e.g. a webhook sink). */
  extra?: ExtraProcess[];
  /** Point every Alertmanager receiver at this webhook (names kept, so routes apply). `{port:NAME}` allowed. */
  webhookUrl?: string;
  /** Compose services, target hosts or job names not to start. */
  leaveOut?: string[];
  /** Bound on the readiness wait of each process (default 60 s). */
  readyTimeoutMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface RunningProcess {
  name: string;
  kind: NativeKind | 'command';
  pid: number;
  startTime: string;
  port: number;
  /** Addresses of the bundle this process stands behind (`api:8000`). */
  serves: string[];
  readyUrl?: string;
  log: string;
  argv: string[];
  stopSignal?: NodeJS.Signals;
}

export interface StackState {
  stack: string;
  bundleDir: string;
  stateDir: string;
  startedAt: string;
  processes: RunningProcess[];
  skipped: { name: string; reason: string }[];
  /** Targets no process stands behind: they stay as written and will be down. */
  unresolved: { job: string; target: string }[];
  notes: string[];
  urls: { prometheus?: string; alertmanager?: string };
  /** `host:port` of the bundle -> 127.0.0.1:<port>. */
  addresses: Record<string, string>;
  options: Pick<StartOptions, keyof TimingOverrides | 'webhookUrl'>;
  /** Folders to remove at stop (a root-run postgres keeps its data under /tmp). */
  cleanup: string[];
}

export interface ReloadResult {
  ok: boolean;
  /** Why the new configs were refused before Prometheus/Alertmanager saw them. */
  refused?: string;
  reloaded: string[];
}

export interface StackHandle extends StackState {
  port(name: string): number;
  stop(): Promise<StopResult[]>;
  reload(): Promise<ReloadResult>;
}

export class StackError extends Error {}

const STATE_FILE = 'state.json';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function defaultStateDir(stack: string, cwd = process.cwd()): string {
  return join(cwd, '.obsgen', 'stacks', stack);
}

// ---------------------------------------------------------------- binaries

export function which(bin: string): string | undefined {
  if (bin.includes('/')) return existsSync(bin) ? bin : undefined;
  for (const d of (process.env.PATH ?? '').split(':')) {
    const p = join(d || '.', bin);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Debian's postgres lives in /usr/lib/postgresql/<major>/bin: take the newest. */
function postgresBinDir(): string | undefined {
  const onPath = which('postgres');
  if (onPath && which('initdb')) return dirname(onPath);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : undefined;
}

function binaryFor(kind: NativeKind): string | undefined {
  if (kind === 'postgres') {
    const d = postgresBinDir();
    return d ? join(d, 'postgres') : undefined;
  }
  const b = NATIVE[kind].binary;
  return b ? which(b) : undefined;
}

const helpCache = new Map<string, string>();
/** Flags a kingpin binary accepts (from --help-long): the Debian versions are older than the images. */
function supportsFlag(binary: string, flagName: string, helpArg = '--help-long'): boolean {
  let help = helpCache.get(binary);
  if (help === undefined) {
    const r = spawnSync(binary, [helpArg], { encoding: 'utf8', timeout: 10_000 });
    help = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    helpCache.set(binary, help);
  }
  // Go's flag package (VictoriaMetrics) lists `-name`; kingpin (Prometheus) `--name`.
  return help.includes(helpArg === '-help' ? `-${flagName} ` : `--${flagName}`) || !help.trim();
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    /* no passwd */
  }
  return undefined;
}

// ---------------------------------------------------------------- plan

interface Unit {
  name: string;
  kind: NativeKind | 'command';
  port: number;
  argv: string[];
  env?: Record<string, string>;
  uid?: number;
  gid?: number;
  cwd?: string;
  readyPath?: string;
  stopSignal?: NodeJS.Signals;
  serves: string[];
  order: number;
  prepare?: () => void;
  service?: ComposeService;
  /** Gossip port of an Alertmanager that is a peer of a cluster (its compose command lists --cluster.peer). */
  clusterPort?: number;
}

interface Plan {
  stack: string;
  bundleDir: string;
  stateDir: string;
  compose: ComposeFile;
  units: Unit[];
  skipped: StackState['skipped'];
  notes: string[];
  addresses: Map<string, string>;
  cleanup: string[];
  timing?: TimingOverrides;
}

function stackNameOf(bundleDir: string): string {
  const manifest = join(bundleDir, 'manifest.json');
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { stack?: string };
    if (m.stack) return m.stack;
  }
  return basename(bundleDir);
}

function fillPorts(text: string, ports: Map<string, number>, own?: number): string {
  return text.replace(/\{port(?::([^}]+))?\}/g, (m, name: string | undefined) => {
    if (!name) return own !== undefined ? String(own) : m;
    const p = ports.get(name);
    if (p === undefined) throw new StackError(`{port:${name}}: no process named ${name} (have: ${[...ports.keys()].join(', ')})`);
    return String(p);
  });
}

/** `--config.file=/etc/prometheus/prometheus.yml` -> the container path. */
function flagValue(argv: string[], name: string): string | undefined {
  for (const a of argv) if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  return undefined;
}

function splitAddress(addr: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(addr);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

/** Host path for a container path, through the service's mounts (bind mounts -> runtime copy). */
function hostPath(plan: Plan, svc: ComposeService, containerPath: string): string | undefined {
  let best: { target: string; host: string } | undefined;
  for (const m of svc.mounts) {
    const t = m.target.replace(/\/$/, '');
    if (containerPath !== t && !containerPath.startsWith(`${t}/`)) continue;
    if (best && best.target.length >= t.length) continue;
    const host = m.bind ? join(plan.stateDir, 'runtime', relative(plan.bundleDir, resolve(plan.bundleDir, m.source))) : join(plan.stateDir, 'volumes', m.source);
    best = { target: t, host };
  }
  if (containerPath.startsWith('/run/secrets/')) return secretPath(plan, containerPath);
  return best ? join(best.host, containerPath.slice(best.target.length)) : undefined;
}

function secretPath(plan: Plan, file: string): string {
  const name = file.slice('/run/secrets/'.length);
  const rel = plan.compose.secrets[name] ?? `./secrets/${name}`;
  const real = resolve(plan.bundleDir, rel);
  if (existsSync(real)) return real;
  const standIn = join(plan.stateDir, 'secrets', name);
  if (!existsSync(standIn)) {
    mkdirSync(dirname(standIn), { recursive: true });
    writeFileSync(standIn, `obsgen-stand-in-${name}`, { mode: 0o600 });
    plan.notes.push(`secret ${name}: ${rel} does not exist; using a stand-in (${standIn}), so that integration cannot deliver`);
  }
  return standIn;
}

/** Translate the compose command of a Prometheus-family service to the native binary. */
function translateFlags(plan: Plan, unit: Unit, svc: ComposeService, binary: string): string[] {
  const out: string[] = [];
  const own = new Set(['web.listen-address', 'cluster.listen-address', 'cluster.advertise-address', 'cluster.peer', 'httpListenAddr']);
  const helpArg = unit.kind === 'command' ? undefined : NATIVE[unit.kind].helpArg;
  const timing = plan.timing ?? {};
  for (const a of svc.command) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      out.push(a);
      continue;
    }
    const [, name, value] = m as unknown as [string, string, string | undefined];
    if (own.has(name)) continue;
    if (!supportsFlag(binary, name, helpArg)) {
      plan.notes.push(`${unit.name}: dropped ${a}: the Debian ${basename(binary)} does not know --${name}`);
      continue;
    }
    const dash = a.startsWith('--') ? '--' : '-';
    // Test timing reaches the VictoriaMetrics processes as it reaches Prometheus's configs.
    if (name === 'evaluationInterval' && timing.evaluationInterval) out.push(`${dash}${name}=${timing.evaluationInterval}`);
    else if (name === 'dedup.minScrapeInterval' && timing.scrapeInterval) out.push(`${dash}${name}=${timing.scrapeInterval}`);
    else if (value !== undefined && value.startsWith('/')) {
      const hp = hostPath(plan, svc, value);
      out.push(hp ? `${dash}${name}=${hp}` : a);
    } else if (value !== undefined && isUrlTarget(value)) {
      // A service's URL (vmalert's datasource and notifiers) -> the process standing behind it.
      out.push(`${dash}${name}=${rewriteUrl(value, plan.addresses) ?? value}`);
    } else out.push(a);
  }
  return out;
}

function defaultCommand(kind: NativeKind): string[] {
  if (kind === 'prometheus') return ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'];
  if (kind === 'alertmanager') return ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager'];
  return [];
}

function shellArgv(command: string): string[] {
  return ['/bin/sh', '-c', `exec ${command}`];
}

async function makePlan(bundleDir: string, options: StartOptions): Promise<Plan> {
  const composePath = join(bundleDir, 'docker-compose.yml');
  if (!existsSync(composePath)) throw new StackError(`no docker-compose.yml in ${bundleDir}; run obsgen build first`);
  const stack = stackNameOf(bundleDir);
  const stateDir = resolve(options.stateDir ?? defaultStateDir(stack));
  const compose = parseCompose(readFileSync(composePath, 'utf8'));
  const plan: Plan = { stack, bundleDir, stateDir, compose, units: [], skipped: [], notes: [], addresses: new Map(), cleanup: [], timing: timingOf(options) };
  const withCmd = new Map(Object.entries(options.with ?? {}));
  const usedWith = new Set<string>();
  const leaveOut = new Set(options.leaveOut ?? []);
  const names = new Set<string>();
  const uniqueName = (base: string) => {
    let n = base;
    for (let i = 2; names.has(n); i++) n = `${base}-${i}`;
    names.add(n);
    return n;
  };

  // 1. Compose services.
  for (const svc of compose.services) {
    if (leaveOut.has(svc.name)) {
      plan.skipped.push({ name: svc.name, reason: 'left out on request' });
      continue;
    }
    const cmd = withCmd.get(svc.name);
    if (cmd !== undefined) {
      usedWith.add(svc.name);
      plan.units.push({ name: uniqueName(svc.name), kind: 'command', port: 0, argv: shellArgv(cmd), serves: svc.containerPorts.map((p) => `${svc.name}:${p}`), order: 1, service: svc });
      continue;
    }
    const kind = kindOfImage(svc.image);
    if (!kind) {
      plan.skipped.push({ name: svc.name, reason: `no Debian binary for image ${svc.image}; pass --with ${svc.name}=<command> to run it` });
      continue;
    }
    const nb = NATIVE[kind];
    if (nb.skipReason) {
      plan.skipped.push({ name: svc.name, reason: nb.skipReason });
      continue;
    }
    const bin = binaryFor(kind);
    if (!bin) {
      const reason = `${nb.binary} is not installed (Debian package ${nb.debianPackage}; scripts/install-tools.sh ${nb.debianPackage})`;
      if (kind === 'prometheus' || kind === 'alertmanager') throw new StackError(`${svc.name}: ${reason}`);
      plan.skipped.push({ name: svc.name, reason });
      continue;
    }
    const ports = svc.containerPorts.length ? svc.containerPorts : [nb.containerPort];
    const serves = ports.map((p) => `${svc.name}:${p}`);
    if (kind === 'prometheus') serves.push(...ports.flatMap((p) => [`localhost:${p}`, `127.0.0.1:${p}`]));
    const clustered = kind === 'alertmanager' && svc.command.some((a) => a.startsWith('--cluster.peer='));
    plan.units.push({
      name: uniqueName(svc.name),
      kind,
      port: 0,
      argv: [bin],
      serves,
      order: kind === 'prometheus' || kind === 'vmalert' ? 3 : kind === 'alertmanager' ? 2 : kind === 'postgres' || kind === 'redis' ? 0 : 1,
      service: svc,
      ...(clustered ? { clusterPort: 0 } : {}),
      ...(nb.readyPath ? { readyPath: nb.readyPath } : {}),
      ...(nb.stopSignal ? { stopSignal: nb.stopSignal } : {}),
    });
  }
  const prom = plan.units.find((u) => u.kind === 'prometheus');
  if (!prom) throw new StackError(`${composePath} has no Prometheus service (image prom/prometheus)`);

  // 2. Scrape targets that are not compose services.
  const promConfigPath = promConfigFile(plan, prom);
  const promConfig = (parse(readFileSync(promConfigPath, 'utf8')) ?? {}) as Record<string, unknown>;
  const claimed = new Set(plan.units.flatMap((u) => u.serves));
  const composeNames = new Set(compose.services.map((s) => s.name));
  for (const job of (promConfig.scrape_configs as { job_name: string; static_configs?: { targets?: string[] }[] }[]) ?? []) {
    const targets = (job.static_configs ?? []).flatMap((s) => s.targets ?? []);
    for (const t of targets) {
      if (claimed.has(t)) continue;
      const a = splitAddress(t);
      if (!a) continue;
      if (composeNames.has(a.host)) continue; // a service left out or skipped: stays down
      if (leaveOut.has(a.host) || leaveOut.has(job.job_name)) {
        plan.skipped.push({ name: t, reason: `target of job ${job.job_name} left out on request` });
        claimed.add(t);
        continue;
      }
      const key = withCmd.has(a.host) ? a.host : withCmd.has(job.job_name) ? job.job_name : withCmd.has(t) ? t : undefined;
      if (key !== undefined) {
        usedWith.add(key);
        plan.units.push({ name: uniqueName(a.host), kind: 'command', port: 0, argv: shellArgv(withCmd.get(key)!), serves: [t], order: 1 });
        claimed.add(t);
        continue;
      }
      const kind = kindOfTarget(a.host, a.port);
      if (!kind) continue; // reported as unresolved by the rewrite
      const nb = NATIVE[kind];
      const bin = binaryFor(kind);
      if (!bin) {
        plan.skipped.push({ name: t, reason: `target of job ${job.job_name}: ${nb.binary} is not installed (Debian package ${nb.debianPackage}; scripts/install-tools.sh ${nb.debianPackage})` });
        claimed.add(t);
        continue;
      }
      plan.units.push({ name: uniqueName(a.host), kind, port: 0, argv: [bin], serves: [t], order: 1, readyPath: nb.readyPath! });
      claimed.add(t);
    }
  }
  for (const k of withCmd.keys()) if (!usedWith.has(k)) plan.notes.push(`--with ${k}: no compose service, target host or job of that name; ignored`);

  // 3. Backing databases for exporters that need one.
  for (const need of ['postgres', 'redis'] as const) {
    const exporters = plan.units.filter((u) => u.kind !== 'command' && NATIVE[u.kind].needs === need);
    if (!exporters.length || plan.units.some((u) => u.kind === need)) continue;
    const bin = binaryFor(need);
    if (!bin) {
      plan.notes.push(`${exporters.map((e) => e.name).join(', ')}: no ${need} to scrape (${NATIVE[need].debianPackage} is not installed); the exporter runs and reports ${need === 'postgres' ? 'pg_up' : 'redis_up'} 0`);
      continue;
    }
    plan.units.push({ name: uniqueName(need), kind: need, port: 0, argv: [bin], serves: [], order: 0, ...(NATIVE[need].stopSignal ? { stopSignal: NATIVE[need].stopSignal } : {}) });
  }

  // 4. Extra processes.
  for (const x of options.extra ?? []) {
    plan.units.push({ name: uniqueName(x.name), kind: 'command', port: x.port ?? 0, argv: shellArgv(x.command), serves: [], order: 1 });
  }

  // 5. Ports.
  const need = plan.units.filter((u) => !u.port);
  const gossip = plan.units.filter((u) => u.clusterPort === 0);
  const ports = await freePorts(need.length + gossip.length);
  need.forEach((u, i) => (u.port = ports[i]!));
  gossip.forEach((u, i) => (u.clusterPort = ports[need.length + i]!));
  for (const u of plan.units) for (const s of u.serves) plan.addresses.set(s, `127.0.0.1:${u.port}`);
  for (const u of gossip) plan.addresses.set(`${u.name}:${CLUSTER_PORT}`, `127.0.0.1:${u.clusterPort}`);
  return plan;
}

function promConfigFile(plan: Plan, prom: Unit): string {
  const svc = prom.service!;
  const cmd = svc.command.length ? svc.command : defaultCommand('prometheus');
  const cfg = flagValue(cmd, 'config.file') ?? '/etc/prometheus/prometheus.yml';
  for (const m of svc.mounts) {
    const t = m.target.replace(/\/$/, '');
    if (m.bind && (cfg === t || cfg.startsWith(`${t}/`))) return join(resolve(plan.bundleDir, m.source), cfg.slice(t.length));
  }
  throw new StackError(`prometheus: ${cfg} is not in a bind mount of the bundle`);
}

// ---------------------------------------------------------------- runtime copies

interface Rendered {
  unresolved: StackState['unresolved'];
  notes: string[];
  /** Files to validate before use: every Prometheus server's config, the Alertmanager config. */
  prometheusConfigs: string[];
  alertmanagerConfig?: string;
}

function timingOf(options: TimingOverrides): TimingOverrides {
  const keys = ['scrapeInterval', 'evaluationInterval', 'maxFor', 'groupWait', 'groupInterval', 'repeatInterval'] as const;
  return Object.fromEntries(keys.filter((k) => options[k]).map((k) => [k, options[k]])) as TimingOverrides;
}

function globFiles(dir: string, pattern: string): string[] {
  const full = posix.join(dir, pattern);
  const d = dirname(full);
  const re = new RegExp(`^${basename(full).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => join(d, f));
}

/** Copy the bundle's bind-mounted folders into root/ and rewrite the configs in the copy. */
function renderRuntime(plan: Plan, root: string, options: StartOptions): Rendered {
  const rendered: Rendered = { unresolved: [], notes: [], prometheusConfigs: [] };
  const ports = new Map(plan.units.map((u) => [u.name, u.port]));
  const timing = timingOf(options);
  const toRuntime = (p: string) => join(root, relative(plan.stateDir, p).replace(/^runtime\/?/, ''));
  // Copy every mount first: services sharing a folder (replicas, vmalert reading the rules) see one rewritten copy.
  for (const u of plan.units) {
    if (!u.service || u.kind === 'command') continue;
    for (const m of u.service.mounts) {
      if (!m.bind) {
        mkdirSync(join(plan.stateDir, 'volumes', m.source), { recursive: true });
        continue;
      }
      const src = resolve(plan.bundleDir, m.source);
      const dst = join(root, relative(plan.bundleDir, src));
      if (existsSync(src) && !existsSync(dst)) cpSync(src, dst, { recursive: true });
    }
  }
  const rewrittenRules = new Set<string>();
  const rewrittenConfigs = new Set<string>();
  const rewriteRules = (files: string[]) => {
    for (const rf of files) {
      if (rewrittenRules.has(rf)) continue;
      rewrittenRules.add(rf);
      const rr = rewriteRuleFile((parse(readFileSync(rf, 'utf8')) ?? {}) as Record<string, unknown>, timing);
      for (const c of rr.cappedFor) rendered.notes.push(`runtime copy: alert ${c.alert} for: ${c.from} -> ${c.to} (maxFor)`);
      writeFileSync(rf, stringify(rr.doc, { lineWidth: 0 }));
    }
  };
  for (const u of plan.units) {
    const svc = u.service;
    if (!svc || u.kind === 'command') continue;
    if (u.kind === 'vmalert') {
      // Its -rule globs, in the runtime copy: the same timing as Prometheus's rule files.
      for (const a of svc.command) {
        const m = /^--?rule=(.+)$/.exec(a);
        const hp = m ? hostPath(plan, svc, m[1]!) : undefined;
        if (hp) rewriteRules(globFiles(dirname(toRuntime(hp)), basename(hp)));
      }
      continue;
    }
    const cmd = svc.command.length ? svc.command : defaultCommand(u.kind as NativeKind);
    const cfg = flagValue(cmd, 'config.file');
    const hp = cfg ? hostPath(plan, svc, cfg) : undefined;
    if (!hp) continue;
    const file = toRuntime(hp);
    // Peers of one Alertmanager cluster share their config file: rewrite it once.
    if (rewrittenConfigs.has(file)) continue;
    rewrittenConfigs.add(file);
    const fileRef = (f: string) => (f.startsWith('/') ? (hostPath(plan, svc, f) ?? f) : f);
    if (u.kind === 'prometheus') {
      const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
      const r = rewritePrometheusConfig(doc, { addresses: plan.addresses, timing, fileRef });
      rendered.unresolved.push(...r.unresolved);
      for (const d of r.droppedJobs) rendered.notes.push(`job ${d.job} left out of the runtime config: ${d.reason}`);
      writeFileSync(file, stringify(r.config, { lineWidth: 0 }));
      rendered.prometheusConfigs.push(file);
      for (const pattern of (r.config.rule_files as string[] | undefined) ?? []) rewriteRules(globFiles(dirname(file), pattern));
    } else if (u.kind === 'alertmanager') {
      const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
      const webhookUrl = options.webhookUrl ? fillPorts(options.webhookUrl, ports) : undefined;
      const r = rewriteAlertmanagerConfig(doc, { timing, fileRef, ...(webhookUrl ? { webhookUrl } : {}) });
      if (webhookUrl) rendered.notes.push(`receivers ${r.receivers.join(', ')} -> webhook ${webhookUrl}`);
      writeFileSync(file, stringify(r.config, { lineWidth: 0 }));
      rendered.alertmanagerConfig = file;
    }
  }
  return rendered;
}

function checkRuntime(r: Rendered): string | undefined {
  // hasTool, not which: OBSGEN_NO_TOOLS hides the tools here too (CI's no-tools job).
  for (const config of hasTool('promtool') ? r.prometheusConfigs : []) {
    const p = spawnSync('promtool', ['check', 'config', '--lint=none', config], { encoding: 'utf8', timeout: 60_000 });
    if (p.status !== 0) return `promtool check config: ${p.stdout}${p.stderr}`;
  }
  if (r.alertmanagerConfig && hasTool('amtool')) {
    const p = spawnSync('amtool', ['check-config', r.alertmanagerConfig], { encoding: 'utf8', timeout: 60_000 });
    if (p.status !== 0) return `amtool check-config: ${p.stdout}${p.stderr}`;
  }
  return undefined;
}

// ---------------------------------------------------------------- start

/**
 * The status code label the bundle's rules read for the jobs a command stands behind, so that
 * a stand-in (the demo service) counts its errors where the error ratios look.
 */
function codeLabelFor(reads: BundleReads | undefined, u: Unit): string | undefined {
  if (!reads) return undefined;
  const jobs = [...reads.targets].filter(([, ts]) => ts.some((t) => u.serves.includes(t))).map(([j]) => j);
  return jobs.length ? statusCodeLabel(reads, jobs) : undefined;
}

function finishUnits(plan: Plan): void {
  const byKind = (k: NativeKind) => plan.units.find((u) => u.kind === k);
  const pg = byKind('postgres');
  const redis = byKind('redis');
  let reads: BundleReads | undefined;
  try {
    reads = bundleReads(plan.bundleDir);
  } catch {
    reads = undefined; // a bundle laid out differently: stand-ins get no hint
  }
  for (const u of plan.units) {
    const nb = u.kind === 'command' ? undefined : NATIVE[u.kind];
    const dataDir = join(plan.stateDir, 'data', u.name);
    if (u.kind === 'command') {
      const ports = new Map(plan.units.map((x) => [x.name, x.port]));
      u.argv = u.argv.map((a) => fillPorts(a, ports, u.port));
      const codeLabel = codeLabelFor(reads, u);
      u.env = { PORT: String(u.port), HOST: '127.0.0.1', ...(codeLabel ? { OBSGEN_CODE_LABEL: codeLabel } : {}) };
      u.cwd = process.cwd();
    } else if (u.kind === 'prometheus' || u.kind === 'alertmanager') {
      const svc = u.service!;
      const base = svc.command.length ? svc.command : defaultCommand(u.kind);
      u.argv = [u.argv[0]!, ...translateFlags(plan, u, { ...svc, command: base }, u.argv[0]!), ...(u.clusterPort ? clusterArgs(plan, u) : nb!.listenArgs!(u.port))];
    } else if (u.kind === 'postgres') {
      const bin = u.argv[0]!;
      const root = process.getuid?.() === 0;
      const user = root ? systemUser('postgres') : undefined;
      if (root && !user) throw new StackError('postgres refuses to run as root and there is no postgres user');
      // As root, postgres runs as the postgres user: its data goes under /tmp, which it can reach.
      const data = root ? mkdtempSync(join(tmpdir(), `obsgen-${plan.stack}-pg-`)) : dataDir;
      if (root) plan.cleanup.push(data);
      u.argv = [bin, '-D', data, '-p', String(u.port), '-k', data, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'];
      if (user) {
        u.uid = user.uid;
        u.gid = user.gid;
      }
      u.cwd = data;
      u.prepare = () => {
        mkdirSync(data, { recursive: true });
        if (user) chownSync(data, user.uid, user.gid);
        if (existsSync(join(data, 'PG_VERSION'))) return;
        const r = spawnSync(join(dirname(bin), 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
          encoding: 'utf8',
          cwd: data,
          timeout: 120_000,
          ...(user ? { uid: user.uid, gid: user.gid } : {}),
        });
        if (r.status !== 0) throw new StackError(`postgres: initdb failed: ${r.stdout}${r.stderr}`);
      };
    } else if (u.kind === 'redis') {
      mkdirSync(dataDir, { recursive: true });
      u.argv = [u.argv[0]!, '--port', String(u.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir, '--daemonize', 'no'];
    } else {
      const svcArgs = u.service ? translateFlags(plan, u, u.service, u.argv[0]!) : [];
      // VictoriaMetrics hides points younger than 30s from queries; test timing shortens that with the scrape interval.
      if (u.kind === 'victoriametrics' && plan.timing?.scrapeInterval) svcArgs.push(`-search.latencyOffset=${plan.timing.scrapeInterval}`);
      u.argv = [u.argv[0]!, ...svcArgs, ...nb!.listenArgs!(u.port)];
      if (u.kind === 'postgres-exporter') {
        u.env = { DATA_SOURCE_NAME: pg ? `postgresql://postgres@127.0.0.1:${pg.port}/postgres?sslmode=disable` : 'postgresql://postgres@127.0.0.1:1/postgres?sslmode=disable' };
      }
      if (u.kind === 'redis-exporter') u.env = { REDIS_ADDR: redis ? `redis://127.0.0.1:${redis.port}` : 'redis://127.0.0.1:1' };
    }
  }
}

/** An Alertmanager peer on loopback: its gossip port, and its peers' (from the compose --cluster.peer flags). */
function clusterArgs(plan: Plan, u: Unit): string[] {
  const peers = u.service!.command
    .filter((a) => a.startsWith('--cluster.peer='))
    .map((a) => a.slice('--cluster.peer='.length))
    .map((peer) => {
      const hit = plan.addresses.get(peer);
      if (!hit) throw new StackError(`${u.name}: cluster peer ${peer} is not an Alertmanager started here`);
      return `--cluster.peer=${hit}`;
    });
  return [`--web.listen-address=127.0.0.1:${u.port}`, `--cluster.listen-address=127.0.0.1:${u.clusterPort}`, `--cluster.advertise-address=127.0.0.1:${u.clusterPort}`, ...peers];
}

async function waitReady(u: RunningProcess, timeoutMs: number): Promise<string | undefined> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (!isAlive(u.pid, u.startTime)) return `${u.name} exited during startup; last lines of ${u.log}:\n${tail(u.log, 15)}`;
    if (u.readyUrl) {
      try {
        const r = await fetch(u.readyUrl, { signal: AbortSignal.timeout(1000) });
        if (r.ok) return undefined;
      } catch {
        /* not yet */
      }
    } else if (await tcpOpen(u.port)) return undefined;
    await sleep(100);
  }
  return `${u.name} not ready after ${timeoutMs} ms (${u.readyUrl ?? `tcp 127.0.0.1:${u.port}`}); last lines of ${u.log}:\n${tail(u.log, 15)}`;
}

function tail(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

function liveState(stateDir: string): StackState | undefined {
  const f = join(stateDir, STATE_FILE);
  if (!existsSync(f)) return undefined;
  return JSON.parse(readFileSync(f, 'utf8')) as StackState;
}

export function readState(stateDir: string): StackState | undefined {
  return liveState(resolve(stateDir));
}

function handleOf(state: StackState, options: StartOptions): StackHandle {
  return {
    ...state,
    port(name: string) {
      const p = state.processes.find((x) => x.name === name);
      if (!p) throw new StackError(`no process ${name} (have: ${state.processes.map((x) => x.name).join(', ')})`);
      return p.port;
    },
    stop: () => stopStack(state.stateDir),
    reload: () => reloadStack(state.stateDir, options),
  };
}

/** Start the bundle in bundleDir natively; resolves when every process is ready. */
export async function startStack(bundleDir: string, options: StartOptions = {}): Promise<StackHandle> {
  const log = options.log ?? (() => {});
  const dir = resolve(bundleDir);
  const plan = await makePlan(dir, options);
  const existing = liveState(plan.stateDir);
  if (existing && existing.processes.some((p) => isAlive(p.pid, p.startTime))) {
    throw new StackError(`${plan.stack} is already up (state in ${plan.stateDir}); run obsgen stack down ${plan.stack} first`);
  }
  for (const d of existing?.cleanup ?? []) rmSync(d, { recursive: true, force: true });
  for (const sub of ['runtime', 'pids', 'logs', 'secrets']) rmSync(join(plan.stateDir, sub), { recursive: true, force: true });
  for (const sub of ['pids', 'logs']) mkdirSync(join(plan.stateDir, sub), { recursive: true });
  finishUnits(plan);
  const rendered = renderRuntime(plan, join(plan.stateDir, 'runtime'), options);
  const refused = checkRuntime(rendered);
  if (refused) throw new StackError(`the runtime copy of ${plan.stack} does not validate; nothing started:\n${refused}`);

  const state: StackState = {
    stack: plan.stack,
    bundleDir: dir,
    stateDir: plan.stateDir,
    startedAt: new Date().toISOString(),
    processes: [],
    skipped: plan.skipped,
    // Replicas and shards list the same targets: each unresolved one once.
    unresolved: [...new Map(rendered.unresolved.filter((u) => !plan.skipped.some((s) => s.name === u.target)).map((u) => [`${u.job} ${u.target}`, u])).values()],
    notes: [...new Set([...plan.notes, ...rendered.notes])],
    urls: {},
    addresses: Object.fromEntries(plan.addresses),
    options: {
      ...(options.webhookUrl ? { webhookUrl: fillPorts(options.webhookUrl, new Map(plan.units.map((u) => [u.name, u.port]))) } : {}),
      ...Object.fromEntries((['scrapeInterval', 'evaluationInterval', 'maxFor', 'groupWait', 'groupInterval', 'repeatInterval'] as const).filter((k) => options[k]).map((k) => [k, options[k]])),
    },
    cleanup: plan.cleanup,
  };
  const save = () => writeFileSync(join(plan.stateDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  // Stop what was started if this process dies before the caller gets the handle.
  const onExit = () => killNow(state.processes);
  process.once('exit', onExit);
  try {
    for (const order of [0, 1, 2, 3]) {
      const batch = plan.units.filter((u) => u.order === order).sort((a, b) => a.name.localeCompare(b.name));
      const started: RunningProcess[] = [];
      for (const u of batch) {
        u.prepare?.();
        const logFile = join(plan.stateDir, 'logs', `${u.name}.log`);
        const s = spawnManaged({
          name: u.name,
          argv: u.argv,
          log: logFile,
          pidFile: join(plan.stateDir, 'pids', `${u.name}.pid`),
          ...(u.env ? { env: u.env } : {}),
          ...(u.cwd ? { cwd: u.cwd } : {}),
          ...(u.uid !== undefined ? { uid: u.uid, gid: u.gid! } : {}),
        });
        const rp: RunningProcess = {
          name: u.name,
          kind: u.kind,
          pid: s.pid,
          startTime: s.startTime,
          port: u.port,
          serves: u.serves,
          log: logFile,
          argv: u.argv,
          ...(u.readyPath ? { readyUrl: `http://127.0.0.1:${u.port}${u.readyPath}` } : {}),
          ...(u.stopSignal ? { stopSignal: u.stopSignal } : {}),
        };
        state.processes.push(rp);
        started.push(rp);
        save();
        log(`started ${u.name} (pid ${s.pid}) on 127.0.0.1:${u.port}`);
      }
      const errors = (await Promise.all(started.map((p) => waitReady(p, options.readyTimeoutMs ?? 60_000)))).filter(Boolean);
      if (errors.length) throw new StackError(errors.join('\n'));
    }
  } catch (e) {
    await stopStack(plan.stateDir);
    throw e;
  } finally {
    process.removeListener('exit', onExit);
  }
  const prom = state.processes.find((p) => p.kind === 'prometheus');
  const am = state.processes.find((p) => p.kind === 'alertmanager');
  state.urls = { ...(prom ? { prometheus: `http://127.0.0.1:${prom.port}` } : {}), ...(am ? { alertmanager: `http://127.0.0.1:${am.port}` } : {}) };
  save();
  return handleOf(state, options);
}

/** Stop every process recorded in the state folder, in reverse start order; by pid only. */
export async function stopStack(stateDir: string): Promise<StopResult[]> {
  const state = liveState(resolve(stateDir));
  if (!state) return [];
  const results: StopResult[] = [];
  for (const p of [...state.processes].reverse()) {
    results.push(await stopProcess(p.pid, p.startTime, p.stopSignal ?? 'SIGTERM', 10_000));
    rmSync(join(state.stateDir, 'pids', `${p.name}.pid`), { force: true });
  }
  for (const d of state.cleanup) rmSync(d, { recursive: true, force: true });
  renameSync(join(state.stateDir, STATE_FILE), join(state.stateDir, 'last-run.json'));
  return results;
}

export interface ProcessStatus {
  name: string;
  kind: string;
  pid: number;
  port: number;
  running: boolean;
  ready: boolean;
  serves: string[];
  log: string;
}

export async function stackStatus(stateDir: string): Promise<{ state?: StackState; processes: ProcessStatus[] }> {
  const state = liveState(resolve(stateDir));
  if (!state) return { processes: [] };
  const processes = await Promise.all(
    state.processes.map(async (p) => {
      const running = isAlive(p.pid, p.startTime);
      let ready = false;
      if (running) {
        if (p.readyUrl) {
          try {
            ready = (await fetch(p.readyUrl, { signal: AbortSignal.timeout(2000) })).ok;
          } catch {
            ready = false;
          }
        } else ready = await tcpOpen(p.port);
      }
      return { name: p.name, kind: p.kind, pid: p.pid, port: p.port, running, ready, serves: p.serves, log: p.log };
    }),
  );
  return { state, processes };
}

/**
 * Re-render the runtime copies from the bundle (after a successful `obsgen build`), validate
 * them with promtool/amtool, and only then swap them in and POST /-/reload. A copy that does
 * not validate is refused: the running Prometheus and Alertmanager never see it.
 */
export async function reloadStack(stateDir: string, options: StartOptions = {}): Promise<ReloadResult> {
  const state = liveState(resolve(stateDir));
  if (!state) throw new StackError(`nothing is running from ${stateDir}`);
  const compose = parseCompose(readFileSync(join(state.bundleDir, 'docker-compose.yml'), 'utf8'));
  const plan: Plan = {
    stack: state.stack,
    bundleDir: state.bundleDir,
    stateDir: state.stateDir,
    compose,
    units: [],
    skipped: state.skipped,
    notes: [],
    addresses: new Map(Object.entries(state.addresses)),
    cleanup: [],
  };
  for (const p of state.processes) {
    const service = compose.services.find((s) => s.name === p.name);
    plan.units.push({ name: p.name, kind: p.kind, port: p.port, argv: p.argv, serves: p.serves, order: 0, ...(service ? { service } : {}) });
  }
  const next = join(state.stateDir, 'runtime.next');
  rmSync(next, { recursive: true, force: true });
  const rendered = renderRuntime(plan, next, { ...state.options, ...options });
  const refused = checkRuntime(rendered);
  if (refused) {
    rmSync(next, { recursive: true, force: true });
    return { ok: false, refused, reloaded: [] };
  }
  const current = join(state.stateDir, 'runtime');
  const old = join(state.stateDir, 'runtime.old');
  rmSync(old, { recursive: true, force: true });
  renameSync(current, old);
  renameSync(next, current);
  rmSync(old, { recursive: true, force: true });
  const reloaded: string[] = [];
  // A replica or peer that is down (an HA stack survives that) is left out; the rest reload.
  for (const p of state.processes.filter((x) => (x.kind === 'alertmanager' || x.kind === 'prometheus') && isAlive(x.pid, x.startTime))) {
    const r = await fetch(`http://127.0.0.1:${p.port}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
    if (!r.ok) return { ok: false, refused: `${p.name} /-/reload: HTTP ${r.status} ${await r.text()}`, reloaded };
    reloaded.push(p.name);
  }
  // vmalert re-reads its rule files on SIGHUP.
  for (const p of state.processes.filter((x) => x.kind === 'vmalert' && isAlive(x.pid, x.startTime))) {
    process.kill(p.pid, 'SIGHUP');
    reloaded.push(p.name);
  }
  return { ok: true, reloaded };
}

/** True when dir looks like a built bundle. */
export function isBundle(dir: string): boolean {
  return existsSync(join(dir, 'docker-compose.yml')) && existsSync(join(dir, 'manifest.json')) && statSync(dir).isDirectory();
}
