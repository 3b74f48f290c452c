/**
 * Alertmanager checks against the stack's alerts: receivers never used, routes behind a
 * catch-all, alerts no route takes, inhibit rules that cannot match or whose `equal`
 * labels the alerts lack, and routes.test.json through obsgen's matcher and amtool.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routeAlert, type ResolvedRoute } from '../alertmanager/build.ts';
import { matches } from '../alertmanager/matchers.ts';
import { inhibits, isPolicyLadder, mayMatch, presence, whyNeverMutes, type AlertLabels } from '../alertmanager/inhibit.ts';
import { validateAlertmanagerConfig } from '../alertmanager/validate.ts';
import { formatPath } from '../core/diagnostics.ts';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Matcher } from '../core/model.ts';
import type { LintContext } from './context.ts';
import type { Finding, LintAlertmanager, LintInhibitRule, LintInput, LintRule } from './types.ts';

export interface AlertShape extends AlertLabels {
  rule: LintRule;
}

export function alertShapes(c: LintContext): AlertShape[] {
  const out: AlertShape[] = [];
  for (const g of c.input.groups) {
    for (const r of g.rules) {
      if (r.kind !== 'alert') continue;
      out.push({ rule: r, name: r.name, static: { ...r.labels, alertname: r.name }, dynamic: c.exprLabels(r) ?? { labels: new Set(), open: true } });
    }
  }
  return out;
}

/** Two matchers on one label that no value satisfies together. */
function contradiction(ms: Matcher[]): string | undefined {
  for (const m of ms) {
    if (m.op !== '=') continue;
    for (const o of ms) {
      if (o === m || o.name !== m.name) continue;
      if (!matches(o, { [m.name]: m.value })) return `${m.name}${m.op}"${m.value}" and ${o.name}${o.op}"${o.value}"`;
    }
  }
  return undefined;
}

function isCatchAll(r: ResolvedRoute): boolean {
  return r.matchers.every((m) => m.op === '=~' && m.value === '.*');
}

function amFinding(c: LintContext, am: LintAlertmanager, f: Omit<Finding, 'stack' | 'file'>): void {
  c.add({ file: am.file, ...f });
}

function sourceOfRoute(path: string, input: LintInput): string | undefined {
  // Bundles: route.routes[0] comes from alerting.routes[0].
  return input.dashboards && input.alertmanager?.file === 'alertmanager/alertmanager.yml' && input.dashboards.alerting ? path.replace(/^route/, 'alerting') : undefined;
}

function knownSeverityValues(tree: ResolvedRoute): string[] {
  const out: string[] = [];
  const visit = (r: ResolvedRoute) => {
    for (const m of r.matchers) {
      if (m.name !== 'severity') continue;
      if (m.op === '=') out.push(m.value);
      if (m.op === '=~') out.push(...m.value.split('|').filter((v) => /^[\w-]+$/.test(v)));
    }
    r.routes.forEach(visit);
  };
  visit(tree);
  return out;
}

/** Severity values the routing knows: the conventional ladder plus every value a route matches. */
export function knownSeverities(input: LintInput): Set<string> {
  return new Set(['critical', 'warning', 'info', 'none', ...(input.alertmanager ? knownSeverityValues(input.alertmanager.tree) : [])]);
}

/**
 * alertmanager.yml against Alertmanager's own rules: the same validation the build runs on
 * what it emits (src/alertmanager/validate.ts), as `alertmanager/<code>` findings at their line.
 */
export function checkAlertmanagerConfig(c: LintContext, am: LintAlertmanager): void {
  if (am.text === undefined) return;
  const lc = new LineCounter();
  const doc = parseDocument(am.text, { lineCounter: lc });
  if (doc.errors.length) return;
  for (const issue of validateAlertmanagerConfig(doc.toJS())) {
    const line = lineAt(doc.contents, issue.path, lc);
    const where = formatPath(issue.path);
    amFinding(c, am, {
      id: `alertmanager/${issue.code}`,
      severity: 'error',
      message: `${where ? `${where}: ` : ''}${issue.message}${issue.value !== undefined ? ` (got ${JSON.stringify(issue.value)})` : ''}`,
      ...(issue.hint ? { hint: issue.hint } : {}),
      ...(line ? { line } : {}),
    });
  }
}

/** Line of the deepest node on `path` that exists. */
function lineAt(root: unknown, path: (string | number)[], lc: LineCounter): number | undefined {
  let node = root as YamlNode | undefined;
  let line: number | undefined;
  const lineOfNode = (n: unknown) => {
    const r = (n as { range?: [number, number, number] } | undefined)?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  line = lineOfNode(node);
  for (const key of path) {
    let next: unknown;
    if (typeof key === 'number' && isSeq(node)) next = node.items[key];
    else if (typeof key === 'string' && isMap(node)) next = node.items.find((p) => isScalar(p.key) && p.key.value === key)?.value;
    if (!next) break;
    node = next as YamlNode;
    line = lineOfNode(node) ?? line;
  }
  return line;
}

export function checkAlertmanager(c: LintContext, alerts: AlertShape[]): void {
  const am = c.input.alertmanager;
  if (!am) return;
  checkAlertmanagerConfig(c, am);
  const tree = am.tree;
  const lineOf = (path: string) => am.routeLines?.get(path);
  // Unused receivers.
  const used = new Set<string>();
  const visit = (r: ResolvedRoute) => {
    used.add(r.receiver);
    r.routes.forEach(visit);
  };
  visit(tree);
  for (const r of am.receivers) {
    if (!used.has(r.name)) {
      amFinding(c, am, { id: 'alertmanager/unused-receiver', severity: 'warning', message: `receiver ${r.name} is not used by any route`, hint: 'route alerts to it, or remove it', ...(r.line ? { line: r.line } : {}), ...(r.source ? { source: r.source } : {}) });
    }
  }
  // Routes behind an earlier catch-all sibling.
  const unreachable = (r: ResolvedRoute) => {
    let catchAll: ResolvedRoute | undefined;
    for (const child of r.routes) {
      if (catchAll) {
        const line = lineOf(child.path);
        const src = sourceOfRoute(child.path, c.input);
        amFinding(c, am, {
          id: 'alertmanager/unreachable-route',
          severity: 'error',
          message: `route ${child.path} (receiver ${child.receiver}) is never reached: ${catchAll.path} before it matches every alert and has no continue: true`,
          hint: `move ${child.path} before ${catchAll.path}, give ${catchAll.path} matchers, or set continue: true on it`,
          ...(line ? { line } : {}),
          ...(src ? { source: src } : {}),
        });
        continue;
      }
      if (isCatchAll(child) && !child.continue) catchAll = child;
      unreachable(child);
    }
  };
  unreachable(tree);
  // Alerts that no route takes (they go to the root's receiver).
  if (tree.routes.length) {
    for (const a of alerts) {
      const sev = a.rule.labels.severity;
      if (!sev || sev === 'info' || sev === 'none') continue;
      if (tree.routes.some((r) => mayMatch(r.matchers, a))) continue;
      c.ruleFinding(a.rule, 'labels/unrouted', 'warning', `alert ${a.rule.name} (severity ${sev}) matches no route and falls to the default receiver ${tree.receiver}`, `add a route for severity="${sev}", or change the alert's labels to one a route matches`);
    }
  }
  for (const r of am.inhibitRules) checkInhibit(c, am, r, alerts);
}

function describe(ms: Matcher[]): string {
  return `{${ms.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}}`;
}

function checkInhibit(c: LintContext, am: LintAlertmanager, r: LintInhibitRule, alerts: AlertShape[]): void {
  const where = { ...(r.line ? { line: r.line } : {}), ...(r.source ? { source: r.source } : {}) };
  const name = `inhibit_rules[${r.index}]`;
  for (const [side, ms] of [['source', r.sourceMatchers], ['target', r.targetMatchers]] as const) {
    const bad = contradiction(ms);
    if (bad) {
      amFinding(c, am, { id: 'alertmanager/inhibit-dead', severity: 'error', message: `${name}: the ${side} matchers can never match (${bad})`, hint: 'fix the matchers', ...where });
      return;
    }
  }
  const key = (ms: Matcher[]) => JSON.stringify([...ms].map((m) => `${m.name}${m.op}${m.value}`).sort());
  if (r.sourceMatchers.length && key(r.sourceMatchers) === key(r.targetMatchers)) {
    amFinding(c, am, { id: 'alertmanager/inhibit-dead', severity: 'error', message: `${name}: source and target matchers are the same, and an alert matching both sides never inhibits another that does`, hint: 'make the target differ from the source (e.g. severity="warning" under severity="critical")', ...where });
    return;
  }
  if (!alerts.length) return;
  const sources = alerts.filter((a) => mayMatch(r.sourceMatchers, a));
  const targets = alerts.filter((a) => mayMatch(r.targetMatchers, a));
  // A policy ladder (severity alone) applies to whatever alerts exist.
  for (const [side, ms, list] of [['source', r.sourceMatchers, sources], ['target', r.targetMatchers, targets]] as const) {
    if (list.length === 0 && !isPolicyLadder(r)) {
      amFinding(c, am, { id: 'alertmanager/inhibit-dead', severity: 'warning', message: `${name}: no alert of the stack matches the ${side} matchers ${describe(ms)}, so the rule never applies`, hint: 'fix the matchers (alert names, label values), or remove the rule', ...where });
      return;
    }
  }
  // The same analysis as the build: no pair of the stack's alerts agrees on the equal labels.
  const why = whyNeverMutes(r, alerts);
  if (why) {
    amFinding(c, am, { id: 'alertmanager/inhibit-dead', severity: 'error', message: `${name} can never mute: ${why}`, hint: 'drop the label from equal, or make both sides carry it (a static label on the alerts, or keep it in the aggregation of their expressions)', ...where });
    return;
  }
  // Alertmanager compares each equal label's values and reads a missing label as "".
  for (const label of r.equal) {
    const lacks = (list: AlertShape[]) => list.filter((a) => presence(a, label).kind === 'never');
    const [sLack, tLack] = [lacks(sources), lacks(targets)];
    if (sLack.length === sources.length && tLack.length === targets.length) {
      amFinding(c, am, {
        id: 'alertmanager/inhibit-equal',
        severity: 'warning',
        message: `${name}: equal label ${label} is on no source or target alert, so Alertmanager compares "" with "" and ${label} does not narrow the rule: a source mutes matching targets whatever they are about`,
        hint: `give the alerts a ${label} label (static, or kept by the expression's aggregation), or drop ${label} from equal`,
        ...where,
      });
      continue;
    }
    for (const [side, lacking, other] of [['target', tLack, sources], ['source', sLack, targets]] as const) {
      // Alerts that lack the label pair only with alerts of the other side that may lack it too.
      const carriers = other.filter((a) => ['value', 'always'].includes(presence(a, label).kind));
      if (!lacking.length || !carriers.length) continue;
      const names = [...new Set(lacking.map((a) => a.rule.name))];
      const carrierNames = [...new Set(carriers.map((a) => a.rule.name))];
      amFinding(c, am, {
        id: 'alertmanager/inhibit-equal',
        severity: 'warning',
        message: `${name}: equal label ${label} is missing on ${side} alert${names.length > 1 ? 's' : ''} ${list(names)}, while ${side === 'target' ? 'source' : 'target'} alert${carrierNames.length > 1 ? 's' : ''} ${list(carrierNames)} always carry it; Alertmanager reads a missing label as "", so ${side === 'target' ? 'those sources never mute these targets' : 'these sources never mute those targets'}`,
        hint: `give the ${side} alerts a ${label} label (static, or kept by the expression's aggregation), or drop ${label} from equal`,
        ...where,
      });
    }
  }
}

function list(names: string[]): string {
  return `${names.slice(0, 4).join(', ')}${names.length > 4 ? ', ...' : ''}`;
}

/** routes.test.json through obsgen's own route walk. */
export function checkRouteTests(c: LintContext): void {
  const am = c.input.alertmanager;
  const tests = c.input.routeTests;
  if (!am || !tests) return;
  for (const t of tests.cases) {
    const got = routeAlert(am.tree, t.labels);
    if (got.join(',') !== t.receivers.join(',')) {
      c.add({ id: 'routes/test', severity: 'error', file: tests.file, message: `route test ${JSON.stringify(t.name)}: ${labelText(t.labels)} goes to ${got.join(',')}, expected ${t.receivers.join(',')}`, hint: 'fix the routes or the expectation (receivers are listed in tree order, duplicates count)' });
    }
  }
  for (const t of tests.inhibitions ?? []) {
    const rule = am.inhibitRules.find((r) => r.index === t.rule);
    const got = rule ? inhibits(rule, t.source, t.target) : false;
    if (got !== t.inhibited) {
      c.add({
        id: 'routes/inhibition-test',
        severity: 'error',
        file: tests.file,
        message: `inhibition test ${JSON.stringify(t.name)}: ${labelText(t.target)} is ${got ? 'muted' : 'not muted'} by ${labelText(t.source)} under inhibit_rules[${t.rule}], expected ${t.inhibited ? 'muted' : 'not muted'}`,
        hint: 'fix the inhibit rule (matchers, equal labels) or the expectation',
      });
    }
  }
}

function labelText(labels: Record<string, string>): string {
  return `{${Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`).join(', ')}}`;
}

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolveRun) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('error', (e) => resolveRun({ code: -1, output: e.message }));
    p.on('close', (code) => resolveRun({ code: code ?? -1, output }));
  });
}

/** routes.test.json through `amtool config routes test --verify.receivers`, all cases in parallel. */
export async function amtoolRouteTests(input: LintInput): Promise<Finding[]> {
  const am = input.alertmanager;
  const tests = input.routeTests;
  if (!am?.text || !tests?.cases.length) return [];
  const dir = mkdtempSync(join(tmpdir(), 'obsgen-lint-'));
  try {
    const file = join(dir, 'alertmanager.yml');
    writeFileSync(file, am.text);
    const results = await Promise.all(
      tests.cases.map(async (t) => {
        const labels = Object.keys(t.labels).sort().map((k) => `${k}=${t.labels[k]}`);
        const r = await run('amtool', ['config', 'routes', 'test', `--config.file=${file}`, `--verify.receivers=${t.receivers.join(',')}`, ...labels]);
        return { t, r };
      }),
    );
    return results
      .filter(({ r }) => r.code !== 0)
      .map(({ t, r }) => ({
        id: 'routes/amtool',
        severity: 'error' as const,
        stack: input.stack,
        file: tests.file,
        message: `route test ${JSON.stringify(t.name)}: amtool config routes test ${labelText(t.labels)} --verify.receivers=${t.receivers.join(',')} failed: ${r.output.trim().split('\n').slice(-2).join(' ')}`,
        hint: 'amtool disagrees with the expectation: fix the routes or routes.test.json',
      }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
