/** obsgen stack up|status|down|reload <stack>: a built bundle's compose stack, natively on 127.0.0.1. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  bundleReads,
  defaultStateDir,
  missingMetrics,
  demoServiceCommand,
  reloadStack,
  stackStatus,
  startStack,
  StackError,
  stopStack,
  webhookSinkCommand,
  type ExtraProcess,
  type StartOptions,
} from '../stack/native/index.ts';
import { flag, type Args } from './args.ts';
import { unresolvedTargetMessage } from '../stack/native/rewrite.ts';
import { STACK_HELP } from './help.ts';

function pairs(args: Args, key: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of args.flags.get(key) ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new StackError(`--${key} ${v}: expected NAME=COMMAND`);
    out.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return out;
}

function stateDirOf(args: Args, stack: string): string {
  const s = flag(args, 'state');
  return s ? resolve(s) : defaultStateDir(stack);
}

async function up(args: Args, stack: string): Promise<number> {
  const bundle = resolve(flag(args, 'out') ?? 'out', stack);
  if (!existsSync(join(bundle, 'docker-compose.yml'))) {
    if (existsSync(join(bundle, 'kubernetes'))) console.error(`error: ${bundle} was built for Kubernetes only; add 'compose' to the stack's targets (targets: ['compose', 'kubernetes']) and rebuild to run it here`);
    else console.error(`error: no bundle in ${bundle}; run obsgen build --stack ${stack} first`);
    return 1;
  }
  const withCmd = new Map([...pairs(args, 'with'), ...pairs(args, 'app')]);
  for (const name of args.flags.get('demo') ?? []) withCmd.set(name, demoServiceCommand());
  const extra: ExtraProcess[] = [...pairs(args, 'extra')].map(([name, command]) => ({ name, command }));
  let webhookUrl = flag(args, 'webhook');
  if (args.flags.has('webhook-sink')) {
    extra.push({ name: 'webhook-sink', command: webhookSinkCommand() });
    webhookUrl = 'http://127.0.0.1:{port:webhook-sink}/alertmanager';
  }
  const timing = {
    scrapeInterval: flag(args, 'scrape-interval'),
    evaluationInterval: flag(args, 'evaluation-interval'),
    maxFor: flag(args, 'max-for'),
    groupWait: flag(args, 'group-wait'),
    groupInterval: flag(args, 'group-interval'),
    repeatInterval: flag(args, 'repeat-interval'),
  };
  const options: StartOptions = {
    stateDir: stateDirOf(args, stack),
    with: Object.fromEntries(withCmd),
    extra,
    leaveOut: args.flags.get('without') ?? [],
    log: (l) => console.log(l),
    ...(webhookUrl ? { webhookUrl } : {}),
    ...Object.fromEntries(Object.entries(timing).filter(([, v]) => v !== undefined)),
  };
  const h = await startStack(bundle, options);
  for (const s of h.skipped) console.log(`skipped ${s.name}: ${s.reason}`);
  for (const u of h.unresolved) console.log(unresolvedTargetMessage(u));
  for (const n of h.notes) console.log(`note: ${n}`);
  console.log(`${stack}: up, ${h.processes.length} processes; state, pids and logs in ${h.stateDir}`);
  // An HA layout (docs/ha.md) has several servers of a kind: list each by its compose name.
  const servers = h.processes.filter((p) => p.kind === 'prometheus' || p.kind === 'alertmanager' || p.kind === 'victoriametrics' || p.kind === 'vmalert');
  if (servers.length > 2) for (const p of servers) console.log(`  ${p.name.padEnd(16)} http://127.0.0.1:${p.port}`);
  else {
    if (h.urls.prometheus) console.log(`  prometheus    ${h.urls.prometheus}`);
    if (h.urls.alertmanager) console.log(`  alertmanager  ${h.urls.alertmanager}`);
  }
  const sink = h.processes.find((p) => p.name === 'webhook-sink');
  if (sink) console.log(`  webhook sink  http://127.0.0.1:${sink.port}/received`);
  console.log(`Stop with: obsgen stack down ${stack}${flag(args, 'state') ? ` --state ${flag(args, 'state')}` : ''}`);
  return 0;
}

async function status(args: Args, stack: string): Promise<number> {
  const { state, processes } = await stackStatus(stateDirOf(args, stack));
  if (!state) {
    console.log(`${stack}: not running (no state in ${stateDirOf(args, stack)})`);
    return 3;
  }
  console.log(`${stack}: started ${state.startedAt} from ${state.bundleDir}`);
  const w = Math.max(...processes.map((p) => p.name.length), 4);
  console.log(`${'NAME'.padEnd(w)}  ${'PID'.padStart(7)}  ADDRESS          STATE`);
  for (const p of processes) {
    const st = !p.running ? 'exited' : p.ready ? 'ready' : 'running, not ready';
    console.log(`${p.name.padEnd(w)}  ${String(p.pid).padStart(7)}  ${`127.0.0.1:${p.port}`.padEnd(15)}  ${st}${p.serves.length ? `  (for ${p.serves.filter((s) => !s.startsWith('localhost') && !s.startsWith('127.')).join(', ')})` : ''}`);
  }
  for (const s of state.skipped) console.log(`skipped ${s.name}: ${s.reason}`);
  if (state.urls.prometheus) {
    try {
      const r = (await (await fetch(`${state.urls.prometheus}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(3000) })).json()) as {
        data: { activeTargets: { labels: { job: string }; scrapeUrl: string; health: string; lastError: string }[] };
      };
      const t = r.data.activeTargets;
      console.log(`targets: ${t.filter((x) => x.health === 'up').length}/${t.length} up`);
      for (const x of t) if (x.health !== 'up') console.log(`  ${x.labels.job} ${x.scrapeUrl}: ${x.health}${x.lastError ? ` (${x.lastError})` : ''}`);
    } catch (e) {
      console.log(`targets: cannot ask Prometheus: ${(e as Error).message}`);
    }
    await printMissing(state.bundleDir, state.urls.prometheus);
  }
  const bad = processes.filter((p) => !p.running || !p.ready).length;
  return bad ? 1 : 0;
}

/**
 * Metrics the bundle's rules and panels read that Prometheus has no series of, per job: an
 * alert over a metric the running exporter's version does not expose is silently dead.
 */
async function printMissing(bundleDir: string, prometheusUrl: string): Promise<void> {
  try {
    const { missing, unscraped } = await missingMetrics(bundleReads(bundleDir), prometheusUrl);
    for (const j of unscraped) console.log(`metrics: job ${j} has no series yet (down or not scraped): its metrics are not checked`);
    if (!missing.length) {
      console.log('metrics: every metric the rules and panels read has series');
      return;
    }
    console.log(`metrics: ${missing.length} read by rules or panels have no series in Prometheus, so the rules and panels over them see nothing:`);
    for (const m of missing) {
      const shown = m.readers.slice(0, 4).join(', ') + (m.readers.length > 4 ? `, and ${m.readers.length - 4} more` : '');
      const why = m.declared ? 'declared by the target, no samples yet' : 'not exposed by the target: another exporter version, a collector off, or no rows yet';
      console.log(`  ${m.jobs ? `job ${m.jobs.join(', ')}` : 'any job'}: ${m.metric}  (${why})  read by ${shown}`);
    }
  } catch (e) {
    console.log(`metrics: cannot check: ${(e as Error).message}`);
  }
}

async function down(args: Args, stack: string): Promise<number> {
  const dir = stateDirOf(args, stack);
  const results = await stopStack(dir);
  if (!results.length) {
    console.log(`${stack}: nothing to stop (no state in ${dir})`);
    return 0;
  }
  for (const r of results) console.log(`pid ${r.pid}: ${r.how === 'not-running' ? 'had already exited' : `stopped with ${r.how} in ${r.ms} ms`}`);
  console.log(`${stack}: down; logs kept in ${join(dir, 'logs')}`);
  return 0;
}

async function reload(args: Args, stack: string): Promise<number> {
  const r = await reloadStack(stateDirOf(args, stack));
  if (!r.ok) {
    console.error(`error: ${stack}: reload refused; the running stack keeps its configuration:\n${r.refused}`);
    return 1;
  }
  console.log(`${stack}: reloaded ${r.reloaded.join(', ')}`);
  return 0;
}

export async function cmdStack(args: Args): Promise<number> {
  const [, sub, stack] = args.positional;
  if (!sub || !stack || !['up', 'status', 'down', 'reload'].includes(sub)) {
    console.error(`error: usage: obsgen stack up|status|reload|down <stack>\n\n${STACK_HELP}`);
    return 1;
  }
  try {
    if (sub === 'up') return await up(args, stack);
    if (sub === 'status') return await status(args, stack);
    if (sub === 'reload') return await reload(args, stack);
    return await down(args, stack);
  } catch (e) {
    if (e instanceof StackError) {
      console.error(`error: ${stack}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
