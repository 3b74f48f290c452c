/**
 * LintInput from a synthesized Bundle or from plain files. A bundle's rule files and
 * alertmanager.yml are rendered exactly as `obsgen build` writes them and read back by the
 * same loader as hand-written files, so findings point at real lines of real files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { NULL_RECEIVER, type ResolvedRoute } from '../alertmanager/build.ts';
import { parseMatcher } from '../alertmanager/matchers.ts';
import type { Diagnostic } from '../core/diagnostics.ts';
import { parseDuration } from '../core/duration.ts';
import type { DashboardFile, Matcher, ScrapeJob } from '../core/model.ts';
import { alertmanagerFile, routeTestsFile } from '../emit/alertmanager.ts';
import type { InhibitionCase } from '../alertmanager/inhibit.ts';
import { RULES_DIR, ruleFileName, ruleFileYaml } from '../emit/prometheus.ts';
import { flowJob, relabelTargetLabels } from '../promql/labels.ts';
import { exporters } from '../scrape/catalog/index.ts';
import '../scrape/catalog/blackbox.ts';
import '../scrape/catalog/log-capturer.ts';
import type { Bundle } from '../stack/bundle.ts';
import type { LintAlertmanager, LintGroup, LintInhibitRule, LintInput, LintJob, LintRule, RouteTestCase, UnknownField } from './types.ts';
import { indentQuotedContinuations } from './yamlcompat.ts';

type Json = Record<string, unknown>;

export interface LoadProblem {
  file: string;
  line?: number;
  message: string;
}

function lineOf(lc: LineCounter, offset: number | undefined): { line: number; col: number } | undefined {
  if (offset === undefined) return undefined;
  return lc.linePos(offset);
}

/** Parses YAML as Prometheus does (go-yaml): the first document of a stream, and quoted scalars continued at their key's indent. */
function parseYaml(text: string, file: string, problems: LoadProblem[]): { doc: Document; lc: LineCounter } | undefined {
  const once = (t: string) => {
    const lc = new LineCounter();
    let doc = parseDocument(t, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.some((e) => e.code === 'MULTIPLE_DOCS')) {
      const lc2 = new LineCounter();
      const first = parseAllDocuments(t, { lineCounter: lc2, uniqueKeys: true, prettyErrors: false });
      const docs = Array.isArray(first) ? first : [];
      if (docs[0]) return { doc: docs[0] as Document, lc: lc2 };
    }
    return { doc, lc };
  };
  let { doc, lc } = once(text);
  if (doc.errors.length) {
    const fixed = indentQuotedContinuations(text);
    if (fixed !== text) {
      const again = once(fixed);
      if (!again.doc.errors.length) ({ doc, lc } = again);
    }
  }
  if (doc.errors.length) {
    for (const e of doc.errors) problems.push({ file, line: lineOf(lc, e.pos[0])?.line, message: `YAML: ${e.message.split('\n')[0]}` });
    return undefined;
  }
  return { doc, lc };
}

function pairNode(map: unknown, key: string): YamlNode | undefined {
  if (!isMap(map)) return undefined;
  for (const p of map.items) {
    if (isScalar(p.key) && p.key.value === key) return (p.value ?? undefined) as YamlNode | undefined;
  }
  return undefined;
}

function startLine(lc: LineCounter, node: unknown): number | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? lc.linePos(r[0]).line : undefined;
}

function strMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));
}

/** The keys of a rule group and of a rule in Prometheus 3's rule files (model/rulefmt: yaml decoded with KnownFields). */
export const GROUP_FIELDS = ['name', 'interval', 'query_offset', 'limit', 'rules', 'labels'];
export const RULE_FIELDS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

function unknownFields(lc: LineCounter, node: unknown, known: string[]): UnknownField[] {
  if (!isMap(node)) return [];
  const out: UnknownField[] = [];
  for (const p of node.items) {
    const key = isScalar(p.key) ? String(p.key.value) : String(p.key);
    if (known.includes(key)) continue;
    const line = startLine(lc, p.key);
    out.push({ key, ...(line ? { line } : {}) });
  }
  return out;
}

/** Parses one Prometheus rule file (`groups: [...]`) with line numbers. */
export function parseRuleFile(text: string, file: string, problems: LoadProblem[]): LintGroup[] {
  const parsed = parseYaml(text, file, problems);
  if (!parsed) return [];
  const { doc, lc } = parsed;
  const data = doc.toJS() as { groups?: unknown } | null;
  // An empty file, `{}` or `groups:` with no list is an empty rule file to Prometheus.
  if (data === null || data === undefined || (typeof data === 'object' && !Array.isArray(data) && Object.keys(data).every((k) => k === 'groups') && (data.groups === undefined || data.groups === null))) return [];
  if (typeof data !== 'object' || !Array.isArray(data.groups)) {
    problems.push({ file, line: 1, message: 'not a rule file: no groups list' });
    return [];
  }
  const comments = disableComments(text);
  const groupNodes = pairNode(doc.contents, 'groups');
  const out: LintGroup[] = [];
  (data.groups as Json[]).forEach((g, gi) => {
    const gNode = isSeq(groupNodes) ? groupNodes.items[gi] : undefined;
    const name = typeof g.name === 'string' ? g.name : '';
    if (!name) problems.push({ file, line: startLine(lc, gNode), message: `group ${gi} has no name` });
    const group: LintGroup = { name, file, rules: [], ...(typeof g.interval === 'string' ? { interval: g.interval } : {}) };
    const gl = startLine(lc, gNode);
    if (gl) group.line = gl;
    const gUnknown = unknownFields(lc, gNode, GROUP_FIELDS);
    if (gUnknown.length) group.unknownFields = gUnknown;
    const ruleNodes = pairNode(gNode, 'rules');
    const rules = Array.isArray(g.rules) ? (g.rules as Json[]) : [];
    rules.forEach((r, ri) => {
      const rNode = isSeq(ruleNodes) ? ruleNodes.items[ri] : undefined;
      const isAlert = typeof r.alert === 'string';
      const rule: LintRule = {
        kind: isAlert ? 'alert' : 'record',
        name: String(isAlert ? r.alert : (r.record ?? '')),
        expr: r.expr === undefined || r.expr === null ? '' : String(r.expr),
        labels: strMap(r.labels),
        annotations: strMap(r.annotations),
        file,
        group: name,
        index: ri,
      };
      if (typeof r.for === 'string') rule.for = r.for;
      if (typeof r.keep_firing_for === 'string') rule.keepFiringFor = r.keep_firing_for;
      const rl = startLine(lc, rNode);
      if (rl) rule.line = rl;
      const rUnknown = unknownFields(lc, rNode, RULE_FIELDS);
      if (rUnknown.length) rule.unknownFields = rUnknown;
      const e = pairNode(rNode, 'expr');
      if (isScalar(e) && e.range) {
        const block = e.type === 'BLOCK_LITERAL' || e.type === 'BLOCK_FOLDED';
        const at = lc.linePos(e.range[0]);
        if (block) {
          const lines = text.split('\n');
          let ln = at.line + 1;
          while (ln <= lines.length && lines[ln - 1]!.trim() === '') ln++;
          const indent = (lines[ln - 1] ?? '').length - (lines[ln - 1] ?? '').trimStart().length;
          rule.exprLine = ln;
          rule.exprColumn = indent + 1;
          rule.exprBlock = true;
        } else {
          rule.exprLine = at.line;
          rule.exprColumn = at.col + (e.type === 'QUOTE_DOUBLE' || e.type === 'QUOTE_SINGLE' ? 1 : 0);
        }
      }
      const off = rl ? disabledAt(comments, rl, startLine(lc, ruleNodes && isSeq(ruleNodes) ? ruleNodes.items[ri + 1] : undefined)) : undefined;
      if (off?.size) rule.disabled = off;
      if (!isAlert && typeof r.record !== 'string') problems.push({ file, line: rl, message: `rule ${ri} of group ${name} has neither alert nor record` });
      group.rules.push(rule);
    });
    out.push(group);
  });
  return out;
}

interface DisableComment {
  line: number;
  ids: Set<string>;
  /** `file/disable`: the whole file. */
  file: boolean;
  /** The comment is alone on its line (then it applies to the rule below it). */
  own: boolean;
  /** The next line that is neither blank nor a comment. */
  next: number;
}

const DISABLE_RE = /#\s*obsgen-lint\s+(file\/disable|disable)\b([^#\n]*)/;

/** `# obsgen-lint disable <id>...` and `# obsgen-lint file/disable <id>...` comments; no id means every check. */
export function disableComments(text: string): DisableComment[] {
  const out: DisableComment[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = DISABLE_RE.exec(line);
    if (!m) return;
    const ids = m[2]!.split(/[\s,]+/).filter(Boolean);
    let next = i + 1;
    while (next < lines.length && (lines[next]!.trim() === '' || lines[next]!.trimStart().startsWith('#'))) next++;
    out.push({ line: i + 1, ids: new Set(ids.length ? ids : ['*']), file: m[1] === 'file/disable', own: line.trimStart().startsWith('#'), next: next + 1 });
  });
  return out;
}

/** Check ids `file/disable` comments of a file turn off. */
export function fileDisabled(text: string): Set<string> {
  return new Set(disableComments(text).filter((c) => c.file).flatMap((c) => [...c.ids]));
}

/** Ids disabled for the rule starting at `line` (up to the next rule's start): comments inside it or directly above it. */
function disabledAt(comments: DisableComment[], line: number, next: number | undefined): Set<string> | undefined {
  const out = new Set<string>();
  for (const c of comments) {
    if (c.file) continue;
    // A comment on its own line belongs to the rule below it; one at the end of a line, to the rule it is in.
    const inside = c.line >= line && (next === undefined || c.line < next) && !(c.own && c.next === next);
    const above = c.own && c.next === line;
    if (inside || above) for (const id of c.ids) out.add(id);
  }
  return out.size ? out : undefined;
}

function matchersOf(list: unknown, map: unknown, reMap: unknown, problems: LoadProblem[], file: string, line?: number): Matcher[] {
  const out: Matcher[] = [];
  for (const [k, v] of Object.entries(strMap(map))) out.push({ name: k, op: '=', value: v });
  for (const [k, v] of Object.entries(strMap(reMap))) out.push({ name: k, op: '=~', value: v });
  if (Array.isArray(list)) {
    for (const item of list) {
      const textItem = String(item).trim().replace(/^\{(.*)\}$/, '$1');
      for (const part of textItem.split(/,(?=\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=))/)) {
        try {
          out.push(parseMatcher(part));
        } catch (e) {
          problems.push({ file, ...(line ? { line } : {}), message: (e as Error).message });
        }
      }
    }
  }
  return out;
}

/** Parses alertmanager.yml: the route tree (resolved the way Alertmanager inherits receivers), receivers, inhibit rules. */
export function parseAlertmanager(text: string, file: string, problems: LoadProblem[]): LintAlertmanager | undefined {
  const parsed = parseYaml(text, file, problems);
  if (!parsed) return undefined;
  const { doc, lc } = parsed;
  const data = (doc.toJS() ?? {}) as Json;
  const routeLines = new Map<string, number>();
  const resolveRoute = (r: Json, node: unknown, parentReceiver: string, path: string): ResolvedRoute => {
    const line = startLine(lc, node);
    if (line) routeLines.set(path, line);
    const receiver = typeof r.receiver === 'string' ? r.receiver : parentReceiver;
    const children = Array.isArray(r.routes) ? (r.routes as Json[]) : [];
    const childNodes = pairNode(node, 'routes');
    return {
      matchers: matchersOf(r.matchers, r.match, r.match_re, problems, file, line),
      receiver,
      continue: r.continue === true,
      ...(Array.isArray(r.group_by) ? { groupBy: r.group_by as string[] } : {}),
      routes: children.map((c, i) => resolveRoute(c, isSeq(childNodes) ? childNodes.items[i] : undefined, receiver, `${path}.routes[${i}]`)),
      path,
    };
  };
  const root = (data.route ?? {}) as Json;
  const tree = resolveRoute(root, pairNode(doc.contents, 'route'), typeof root.receiver === 'string' ? root.receiver : NULL_RECEIVER, 'route');
  tree.matchers = [];
  const recNodes = pairNode(doc.contents, 'receivers');
  const receivers = (Array.isArray(data.receivers) ? (data.receivers as Json[]) : []).map((r, i) => ({
    name: String(r.name ?? ''),
    ...(isSeq(recNodes) && startLine(lc, recNodes.items[i]) ? { line: startLine(lc, recNodes.items[i])! } : {}),
  }));
  const inhNodes = pairNode(doc.contents, 'inhibit_rules');
  const inhibitRules: LintInhibitRule[] = (Array.isArray(data.inhibit_rules) ? (data.inhibit_rules as Json[]) : []).map((r, i) => {
    const line = isSeq(inhNodes) ? startLine(lc, inhNodes.items[i]) : undefined;
    return {
      sourceMatchers: matchersOf(r.source_matchers, r.source_match, r.source_match_re, problems, file, line),
      targetMatchers: matchersOf(r.target_matchers, r.target_match, r.target_match_re, problems, file, line),
      equal: Array.isArray(r.equal) ? (r.equal as unknown[]).map(String) : [],
      file,
      index: i,
      ...(line ? { line } : {}),
    };
  });
  return { file, tree, receivers, inhibitRules, text, routeLines };
}

/**
 * Guesses the exporter behind a job from what it scrapes: target ports and the metrics path.
 * The job's name only breaks a tie between exporters on the same port (kube-state-metrics and
 * kminion share 8080); a name alone decides nothing, since `job` is whatever the config says.
 */
export function inferExporter(jobName: string, targets: string[], metricsPath = '/metrics'): string | undefined {
  const ports = new Set(targets.map((t) => Number(/:(\d+)$/.exec(t)?.[1])).filter((p) => p > 0));
  const paths = (e: { path?: string }) => (e.path ?? '/metrics').match(/\/[\w./-]*/g) ?? ['/metrics'];
  const byPort = [...exporters().values()].filter((e) => e.defaultPort !== undefined && ports.has(e.defaultPort) && e.key !== 'prometheus_builtin' && paths(e).includes(metricsPath));
  if (byPort.length === 1) return byPort[0]!.key;
  const byName = byPort.filter((e) => e.jobHint && e.jobHint.split(/[\s|]+/).includes(jobName));
  return byName.length === 1 ? byName[0]!.key : undefined;
}

/** Relabel rules of a plain prometheus.yml, as the label flow reads them. */
function relabelTargets(list: unknown): { labels: string[]; open: boolean } {
  const rules = (Array.isArray(list) ? (list as Json[]) : []).map((r) => {
    const action = r.action ?? r.Action;
    const target = r.target_label ?? r.targetLabel;
    return { ...(typeof action === 'string' ? { action } : {}), ...(typeof target === 'string' ? { targetLabel: target } : {}) };
  });
  return relabelTargetLabels(rules);
}

export interface PromConfig {
  scrapeIntervalMs: number;
  evaluationIntervalMs: number;
  jobs: LintJob[];
  ruleFiles: string[];
}

export function parsePrometheusConfig(text: string, file: string, problems: LoadProblem[]): PromConfig | undefined {
  const parsed = parseYaml(text, file, problems);
  if (!parsed) return undefined;
  const { doc, lc } = parsed;
  const data = (doc.toJS() ?? {}) as Json;
  const global = (data.global ?? {}) as Json;
  const scrapeIntervalMs = parseDuration(String(global.scrape_interval ?? '1m')) ?? 60_000;
  const evaluationIntervalMs = parseDuration(String(global.evaluation_interval ?? '1m')) ?? 60_000;
  const jobNodes = pairNode(doc.contents, 'scrape_configs');
  const jobs = (Array.isArray(data.scrape_configs) ? (data.scrape_configs as Json[]) : []).map((j, i): LintJob => {
    const statics = Array.isArray(j.static_configs) ? (j.static_configs as Json[]) : [];
    const targets = statics.flatMap((s) => (Array.isArray(s.targets) ? (s.targets as unknown[]).map(String) : []));
    const staticLabels = statics.flatMap((s) => Object.keys(strMap(s.labels)));
    const relabel = relabelTargets(j.relabel_configs);
    const metricRelabel = relabelTargets(j.metric_relabel_configs);
    const name = String(j.job_name ?? '');
    const given = typeof j.exporter === 'string' ? j.exporter : undefined;
    const exporter = given ?? inferExporter(name, targets, typeof j.metrics_path === 'string' ? j.metrics_path : '/metrics');
    const line = isSeq(jobNodes) ? startLine(lc, jobNodes.items[i]) : undefined;
    return {
      name,
      scrapeIntervalMs: parseDuration(String(j.scrape_interval ?? '')) ?? scrapeIntervalMs,
      ...(exporter ? { exporter, exporterFrom: given ? 'the config' : 'port and path' } : {}),
      targetLabels: [...new Set([...staticLabels, ...relabel.labels, ...metricRelabel.labels])],
      openLabels: relabel.open || metricRelabel.open || j.honor_labels === true || Array.isArray(j.file_sd_configs) || Array.isArray(j.http_sd_configs),
      file,
      ...(line ? { line } : {}),
    };
  });
  const ruleFiles = Array.isArray(data.rule_files) ? (data.rule_files as unknown[]).map(String) : [];
  return { scrapeIntervalMs, evaluationIntervalMs, jobs, ruleFiles };
}

function globToRe(seg: string): RegExp {
  return new RegExp(`^${seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
}

/** Expands a path with `*`, `?` and `**` segments (sorted); a plain path is returned as it is. */
export function expandGlob(pattern: string, cwd = '.'): string[] {
  if (!/[*?]/.test(pattern)) return [pattern];
  const abs = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  const out: string[] = [];
  const walk = (dir: string, i: number, shown: string) => {
    if (i >= parts.length) {
      out.push(shown);
      return;
    }
    const part = parts[i]!;
    const full = (p: string) => (dir === '' ? p : join(dir, p));
    if (part === '') return walk('/', i + 1, '/');
    if (part === '**') {
      walk(dir, i + 1, shown);
      for (const e of safeList(dir || cwd)) if (isDir(join(dir || cwd, e))) walk(full(e), i, shown ? join(shown, e) : e);
      return;
    }
    if (!/[*?]/.test(part)) return walk(full(part), i + 1, shown ? join(shown, part) : part);
    const re = globToRe(part);
    for (const e of safeList(dir || cwd).sort()) if (re.test(e)) walk(full(e), i + 1, shown ? join(shown, e) : e);
  };
  walk(abs ? '' : '', 0, '');
  return [...new Set(out)].filter((p) => existsSync(abs ? p : resolve(cwd, p))).sort();
}

function ruleFilesIn(dir: string): string[] {
  return safeList(dir)
    .sort()
    .flatMap((e) => {
      const p = join(dir, e);
      if (isDir(p)) return ruleFilesIn(p);
      return /\.ya?ml$/.test(e) ? [p] : [];
    });
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface FileInputs {
  rules?: string[];
  config?: string;
  alertmanager?: string;
  routeTests?: string;
  dashboards?: string[];
  name?: string;
}

function problemDiagnostics(stack: string, problems: LoadProblem[]): Diagnostic[] {
  return problems.map((p) => ({ severity: 'error', code: 'load', stack, path: `${p.file}${p.line ? `:${p.line}` : ''}`, message: p.message }));
}

function readText(file: string, problems: LoadProblem[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    problems.push({ file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return undefined;
  }
}

/** Reads plain files into a LintInput: rule files (globs), prometheus.yml, alertmanager.yml, routes.test.json, dashboard JSON. */
export function fromFiles(inputs: FileInputs): LintInput {
  const stack = inputs.name ?? 'files';
  const problems: LoadProblem[] = [];
  let config: PromConfig | undefined;
  if (inputs.config) {
    const t = readText(inputs.config, problems);
    if (t !== undefined) config = parsePrometheusConfig(t, inputs.config, problems);
  }
  // Files, globs and directories (their *.yml and *.yaml files, recursively).
  let ruleFiles = (inputs.rules ?? []).flatMap((p) => {
    const got = expandGlob(p).flatMap((f) => (isDir(f) ? ruleFilesIn(f) : [f]));
    if (!got.length) problems.push({ file: p, message: isDir(p) ? 'no *.yml or *.yaml file in this directory' : 'no rule file matches' });
    return got;
  });
  ruleFiles = [...new Set(ruleFiles)];
  if (!inputs.rules?.length && config && inputs.config) {
    const base = dirname(inputs.config);
    ruleFiles = config.ruleFiles.flatMap((p) => expandGlob(p.startsWith('/') ? p : join(base, p)));
  }
  const groups: LintGroup[] = [];
  const disabledFiles = new Map<string, Set<string>>();
  for (const f of ruleFiles) {
    const t = readText(f, problems);
    if (t === undefined) continue;
    groups.push(...parseRuleFile(t, f, problems));
    const off = fileDisabled(t);
    if (off.size) disabledFiles.set(f, off);
  }
  const input: LintInput = {
    stack,
    scrapeIntervalMs: config?.scrapeIntervalMs ?? 60_000,
    evaluationIntervalMs: config?.evaluationIntervalMs ?? 60_000,
    groups,
    ...(config ? { jobs: config.jobs } : {}),
    // Without a prometheus.yml nothing says which files Prometheus loads together.
    ruleSets: config ? 'one' : 'per-file',
    ...(disabledFiles.size ? { fileDisabled: disabledFiles } : {}),
  };
  if (inputs.alertmanager) {
    const t = readText(inputs.alertmanager, problems);
    const am = t === undefined ? undefined : parseAlertmanager(t, inputs.alertmanager, problems);
    if (am) input.alertmanager = am;
    const testsFile = inputs.routeTests ?? join(dirname(inputs.alertmanager), 'routes.test.json');
    if (inputs.routeTests || existsSync(testsFile)) {
      const tt = readText(testsFile, problems);
      if (tt !== undefined) {
        try {
          const parsed = JSON.parse(tt) as { cases?: RouteTestCase[]; inhibitions?: InhibitionCase[] };
          input.routeTests = { file: testsFile, cases: parsed.cases ?? [], inhibitions: parsed.inhibitions ?? [] };
        } catch (e) {
          problems.push({ file: testsFile, message: `JSON: ${(e as Error).message}` });
        }
      }
    }
  }
  if (inputs.dashboards?.length) {
    const dashboards: DashboardFile[] = [];
    for (const pattern of inputs.dashboards) {
      const files = expandGlob(pattern).flatMap((p) => (isDir(p) ? safeList(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)) : [p]));
      for (const f of files) {
        const t = readText(f, problems);
        if (t === undefined) continue;
        try {
          const model = JSON.parse(t) as Json;
          dashboards.push({ uid: String(model.uid ?? basename(f, '.json')), title: String(model.title ?? ''), folder: basename(dirname(resolve(f))), model, source: f });
        } catch (e) {
          problems.push({ file: f, message: `JSON: ${(e as Error).message}` });
        }
      }
    }
    input.dashboards = pseudoBundle(stack, groups, dashboards);
  }
  input.diagnostics = problemDiagnostics(stack, problems);
  return input;
}

/** The parts of a Bundle the dashboard checks read, for dashboards given as files. */
function pseudoBundle(stack: string, groups: LintGroup[], dashboards: DashboardFile[]): Bundle {
  return {
    stack,
    ruleGroups: groups.map((g) => ({
      name: g.name,
      source: g.file,
      rules: g.rules.map((r) =>
        r.kind === 'alert'
          ? { kind: 'alert' as const, name: r.name, expr: r.expr, labels: { severity: 'none' as const, ...r.labels }, annotations: r.annotations, tests: [], source: r.file }
          : { kind: 'record' as const, name: r.name, expr: r.expr, source: r.file },
      ),
    })),
    dashboards,
    grafana: { datasourceUid: 'prometheus', datasourceName: 'Prometheus' },
    links: { grafanaUrl: 'http://localhost:3000', runbookBaseUrl: '' },
  } as unknown as Bundle;
}

function jobOfBundle(j: ScrapeJob, globalInterval: string): LintJob {
  return {
    ...flowJob(j),
    scrapeIntervalMs: parseDuration(j.scrapeInterval ?? globalInterval) ?? 60_000,
    file: 'prometheus/prometheus.yml',
    source: j.source,
  };
}

/** A bundle as the linter sees it: its files rendered as `obsgen build` writes them, with props paths attached. */
export function fromBundle(bundle: Bundle, diagnostics: Diagnostic[] = []): LintInput {
  const problems: LoadProblem[] = [];
  const groups: LintGroup[] = [];
  for (const g of bundle.ruleGroups) {
    const file = `${RULES_DIR}/${ruleFileName(g)}`;
    const parsed = parseRuleFile(ruleFileYaml(g), file, problems);
    for (const pg of parsed) {
      pg.source = g.source;
      pg.rules.forEach((r, i) => {
        const src = g.rules[i]?.source;
        if (src) r.source = src;
      });
      groups.push(pg);
    }
  }
  const amFile = 'alertmanager/alertmanager.yml';
  const am = parseAlertmanager(alertmanagerFile(bundle), amFile, problems);
  if (am) {
    am.receivers = am.receivers.map((r) => ({ ...r, source: `alerting.receivers${/^[A-Za-z_$][\w$]*$/.test(r.name) ? `.${r.name}` : `[${JSON.stringify(r.name)}]`}` }));
    am.inhibitRules.forEach((r, i) => {
      const src = bundle.inhibitRules[i]?.source;
      if (src) r.source = src;
    });
  }
  const tests = JSON.parse(routeTestsFile(bundle)) as { cases: RouteTestCase[]; inhibitions: InhibitionCase[] };
  return {
    stack: bundle.stack,
    scrapeIntervalMs: parseDuration(bundle.globals.scrapeInterval) ?? 60_000,
    evaluationIntervalMs: parseDuration(bundle.globals.evaluationInterval) ?? 60_000,
    groups,
    jobs: bundle.scrapeJobs.map((j) => jobOfBundle(j, bundle.globals.scrapeInterval)),
    ...(am ? { alertmanager: am } : {}),
    routeTests: { file: 'alertmanager/routes.test.json', cases: tests.cases, inhibitions: tests.inhibitions },
    dashboards: bundle,
    diagnostics: [...diagnostics, ...problemDiagnostics(bundle.stack, problems)],
  };
}

/** Shown path of a file: relative to the working directory when inside it. */
export function shownPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith('..') || rel.startsWith(sep) ? file : rel;
}
