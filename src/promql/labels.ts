/**
 * Static label flow through PromQL: which labels a query's result can carry (and which it
 * surely carries), worked out
 * from selectors (catalog labels, matchers, target labels), aggregations (by/without),
 * binary operators (on/ignoring, group_left/right, set operators) and functions
 * (label_replace, label_join, absent, histogram_quantile, vector, ...).
 */
import type { SyntaxNode } from '@lezer/common';
import type { ScrapeJob } from '../core/model.ts';
import { checkGoTemplate } from '../core/gotemplate.ts';
import { parsePromQL } from '../core/promql.ts';
import { valuesMatching } from '../core/re2.ts';
import { exporters, lookupMetric } from '../scrape/catalog/index.ts';

/** Labels a result can carry. `open`: it may carry others too (unknown metric, labelmap, ...). */
export interface LabelSet {
  labels: Set<string>;
  open: boolean;
  /** The expression is a scalar (number literal, scalar(), time()). */
  scalar?: boolean;
  /**
   * Labels every series of the result carries with a non-empty value (a subset of `labels`
   * unless open); missing means none are sure. Inhibition needs it: Alertmanager compares an
   * `equal` label's values, and a label a series lacks is "".
   */
  always?: Set<string>;
}

export const EXPR_NODES = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'NumberLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
]);

const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Gte', 'Lss', 'Lte']);
const SET_OPS = new Set(['And', 'Or', 'Unless']);
const ARITH = new Set(['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow', 'Atan2']);
export const BINARY_OPS = new Set([...COMPARISONS, ...SET_OPS, ...ARITH]);
export { COMPARISONS, SET_OPS };

/** Functions whose result is a scalar. */
const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi']);
/** Functions whose result has no labels. */
const LABELLESS_FUNCTIONS = new Set(['vector']);

export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

export function exprKids(node: SyntaxNode): SyntaxNode[] {
  return kids(node).filter((c) => EXPR_NODES.has(c.name));
}

/** Strips parentheses (and the PromQL root node). */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.name === 'ParenExpr' || n.name === 'PromQL') {
    const inner = exprKids(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

export function text(expr: string, node: SyntaxNode): string {
  return expr.slice(node.from, node.to);
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  if (s.startsWith("'")) return s.slice(1, -1).replace(/\\'/g, "'");
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1);
  }
}

export function stringValue(expr: string, node: SyntaxNode | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  return n.name === 'StringLiteral' ? unquote(text(expr, n)) : undefined;
}

export function numberValue(expr: string, node: SyntaxNode | undefined): number | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.name === 'NumberDurationLiteral' || n.name === 'NumberLiteral') {
    const v = Number(text(expr, n));
    return Number.isNaN(v) ? undefined : v;
  }
  if (n.name === 'UnaryExpr') {
    const inner = exprKids(n)[0];
    const v = numberValue(expr, inner);
    if (v === undefined) return undefined;
    return text(expr, n).trim().startsWith('-') ? -v : v;
  }
  return undefined;
}

export function groupingLabels(expr: string, node: SyntaxNode | null | undefined): string[] {
  if (!node) return [];
  return kids(node)
    .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
    .map((c) => {
      const t = text(expr, c);
      return t.startsWith('"') ? unquote(t) : t;
    });
}

export function functionName(expr: string, call: SyntaxNode): string {
  const id = call.getChild('FunctionIdentifier');
  return id ? text(expr, id) : '';
}

export function callArgs(call: SyntaxNode): SyntaxNode[] {
  const body = call.getChild('FunctionCallBody');
  return body ? exprKids(body) : [];
}

export interface AggregateInfo {
  op: string;
  modifier?: 'by' | 'without';
  labels: string[];
  args: SyntaxNode[];
}

export function aggregateInfo(expr: string, node: SyntaxNode): AggregateInfo {
  const opNode = node.getChild('AggregateOp');
  const mod = node.getChild('AggregateModifier');
  const info: AggregateInfo = { op: opNode ? text(expr, opNode).toLowerCase() : '', labels: [], args: callArgs(node) };
  if (mod) {
    info.modifier = mod.getChild('Without') ? 'without' : 'by';
    info.labels = groupingLabels(expr, mod.getChild('GroupingLabels'));
  }
  return info;
}

export interface BinaryInfo {
  op: string;
  lhs: SyntaxNode;
  rhs: SyntaxNode;
  bool: boolean;
  on?: string[];
  ignoring?: string[];
  groupLeft?: string[];
  groupRight?: string[];
}

export function binaryInfo(expr: string, node: SyntaxNode): BinaryInfo | undefined {
  const cs = kids(node);
  const exprs = cs.filter((c) => EXPR_NODES.has(c.name));
  const op = cs.find((c) => BINARY_OPS.has(c.name));
  if (exprs.length < 2 || !op) return undefined;
  const info: BinaryInfo = { op: op.name, lhs: exprs[0]!, rhs: exprs[exprs.length - 1]!, bool: !!node.getChild('BoolModifier') };
  const clause = node.getChild('MatchingModifierClause');
  if (clause) {
    const groups = kids(clause).filter((c) => c.name === 'GroupingLabels');
    const first = groupingLabels(expr, groups[0]);
    if (clause.getChild('On')) info.on = first;
    else if (clause.getChild('Ignoring')) info.ignoring = first;
    if (clause.getChild('GroupLeft')) info.groupLeft = groupingLabels(expr, groups[1]);
    if (clause.getChild('GroupRight')) info.groupRight = groupingLabels(expr, groups[1]);
  }
  return info;
}

export interface SelectorInfo {
  metric?: string;
  matchers: { name: string; op: string; value: string }[];
  node: SyntaxNode;
}

export function selectorInfo(expr: string, node: SyntaxNode): SelectorInfo {
  const ident = node.getChild('Identifier');
  const matchers: SelectorInfo['matchers'] = [];
  const list = node.getChild('LabelMatchers');
  if (list) {
    for (const m of kids(list)) {
      if (!m.name.endsWith('LabelMatcher')) continue;
      const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const op = m.getChild('MatchOp');
      const value = m.getChild('StringLiteral');
      if (!op || !value) {
        // A bare quoted metric name inside braces: {"metric.name"}.
        const q = m.getChild('QuotedLabelName') ?? m.getChild('StringLiteral');
        if (q && !op) matchers.push({ name: '__name__', op: '=', value: unquote(text(expr, q)) });
        continue;
      }
      const nameText = name ? text(expr, name) : '';
      matchers.push({ name: nameText.startsWith('"') ? unquote(nameText) : nameText, op: text(expr, op), value: unquote(text(expr, value)) });
    }
  }
  let metric = ident ? text(expr, ident) : undefined;
  metric ??= matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
  return { ...(metric ? { metric } : {}), matchers, node };
}

function alwaysOf(s: LabelSet): Set<string> {
  return s.always ?? new Set();
}

function union(a: LabelSet, b: LabelSet): LabelSet {
  // `or`: a series comes from either side, so it surely carries only what both sides surely carry.
  const bAlways = alwaysOf(b);
  return { labels: new Set([...a.labels, ...b.labels]), open: a.open || b.open, always: new Set([...alwaysOf(a)].filter((l) => bAlways.has(l))) };
}

function keepOnly(s: LabelSet, keep: string[]): LabelSet {
  return { labels: new Set(keep.filter((l) => s.open || s.labels.has(l))), open: false, always: new Set(keep.filter((l) => alwaysOf(s).has(l))) };
}

function without(s: LabelSet, drop: string[]): LabelSet {
  const labels = new Set(s.labels);
  const always = new Set(alwaysOf(s));
  for (const l of drop) {
    labels.delete(l);
    always.delete(l);
  }
  return { labels, open: s.open, always };
}

/** Adds labels the result may carry; `sure` ones every series carries. */
function plus(s: LabelSet, add: string[], sure: string[] = []): LabelSet {
  return { labels: new Set([...s.labels, ...add]), open: s.open, always: new Set([...alwaysOf(s), ...sure]) };
}

const EMPTY: LabelSet = { labels: new Set(), open: false, always: new Set() };
const SCALAR: LabelSet = { labels: new Set(), open: false, scalar: true, always: new Set() };
const UNKNOWN = (): LabelSet => ({ labels: new Set(), open: true, always: new Set() });

/**
 * The labels the result of `node` can carry (`labels`, `open`) and those every series of it
 * surely carries (`always`). `selectorLabels` gives both for a selector (the caller knows the
 * catalog, jobs and recording rules).
 */
export function resultLabels(expr: string, node: SyntaxNode, selectorLabels: (s: SelectorInfo) => LabelSet): LabelSet {
  const rec = (n: SyntaxNode): LabelSet => {
    switch (n.name) {
      case 'PromQL':
      case 'ParenExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'SubqueryExpr':
      case 'UnaryExpr':
      case 'MatrixSelector': {
        const inner = exprKids(n)[0];
        return inner ? rec(inner) : UNKNOWN();
      }
      case 'NumberDurationLiteral':
      case 'NumberLiteral':
        return SCALAR;
      case 'StringLiteral':
        return SCALAR;
      case 'VectorSelector':
        return selectorLabels(selectorInfo(expr, n));
      case 'AggregateExpr': {
        const a = aggregateInfo(expr, n);
        const vec = a.args.length ? rec(a.args[a.args.length - 1]!) : EMPTY;
        if (['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(a.op)) return { labels: new Set(vec.labels), open: vec.open, always: new Set(alwaysOf(vec)) };
        let out: LabelSet;
        if (a.modifier === 'by') out = keepOnly(vec, a.labels);
        else if (a.modifier === 'without') out = without(vec, [...a.labels, '__name__']);
        else out = EMPTY;
        if (a.op === 'count_values') {
          const label = stringValue(expr, a.args[0]);
          // The label holds the counted value, never empty.
          if (label) out = plus(out, [label], [label]);
        }
        return out;
      }
      case 'BinaryExpr': {
        const b = binaryInfo(expr, n);
        if (!b) return UNKNOWN();
        const l = rec(b.lhs);
        const r = rec(b.rhs);
        if (l.scalar && r.scalar) return SCALAR;
        if (l.scalar) return r;
        if (r.scalar) return l;
        if (b.op === 'Or') return union(l, r);
        if (b.op === 'And' || b.op === 'Unless') return l;
        // group_left/right copy a listed label from the other side only when that side has it.
        if (b.groupLeft) return plus(l, b.groupLeft.filter((x) => r.open || r.labels.has(x)), b.groupLeft.filter((x) => alwaysOf(r).has(x)));
        if (b.groupRight) return plus(r, b.groupRight.filter((x) => l.open || l.labels.has(x)), b.groupRight.filter((x) => alwaysOf(l).has(x)));
        if (b.on) return keepOnly(l, b.on);
        if (b.ignoring) return without(l, b.ignoring);
        return l;
      }
      case 'FunctionCall': {
        const fn = functionName(expr, n);
        const args = callArgs(n);
        if (SCALAR_FUNCTIONS.has(fn)) return SCALAR;
        if (LABELLESS_FUNCTIONS.has(fn)) return EMPTY;
        if (fn === 'absent' || fn === 'absent_over_time') {
          const sel = args[0] ? findSelector(unwrap(args[0])) : undefined;
          if (!sel) return EMPTY;
          const info = selectorInfo(expr, sel);
          const eq = info.matchers.filter((m) => m.op === '=' && m.name !== '__name__').map((m) => m.name);
          const sure = info.matchers.filter((m) => m.op === '=' && m.name !== '__name__' && m.value !== '').map((m) => m.name);
          return { labels: new Set(eq), open: false, always: new Set(sure) };
        }
        if (fn === 'label_replace' || fn === 'label_join') {
          const base = args[0] ? rec(args[0]) : EMPTY;
          const dst = stringValue(expr, args[1]);
          // The target label is set only when the regex matches and the result is not empty.
          return dst ? plus(base, [dst]) : { ...base, open: true };
        }
        if (fn === 'info') {
          const base = args[0] ? rec(args[0]) : EMPTY;
          return { labels: new Set(base.labels), open: true, always: new Set(alwaysOf(base)) };
        }
        if (fn === 'histogram_quantile' || fn === 'histogram_fraction') {
          const v = args[args.length - 1];
          return v ? without(rec(v), ['le']) : EMPTY;
        }
        // Everything else keeps the labels of its (first) vector argument.
        for (const a of args) {
          const s = rec(a);
          if (!s.scalar) return s;
        }
        return args.length ? SCALAR : EMPTY;
      }
      default:
        return UNKNOWN();
    }
  };
  return rec(node);
}

function findSelector(n: SyntaxNode): SyntaxNode | undefined {
  if (n.name === 'VectorSelector') return n;
  if (n.name === 'MatrixSelector') return n.getChild('VectorSelector') ?? undefined;
  return undefined;
}

/** What the label flow needs to know of a scrape job. */
export interface FlowJob {
  name: string;
  /** Catalog key of the exporter behind the job. */
  exporter?: string;
  /** Labels every target of the job carries (static config labels, relabel target labels). */
  targetLabels: string[];
  /** The job may attach labels obsgen cannot predict (labelmap, honor_labels, file discovery). */
  openLabels: boolean;
}

/** A recording rule as the label flow sees it. */
export interface FlowRecord {
  name: string;
  expr: string;
  labels: Record<string, string>;
}

/** Target labels relabel rules write, and whether they may write ones nobody can predict. */
export function relabelTargetLabels(list: { action?: string; targetLabel?: string }[]): { labels: string[]; open: boolean } {
  const labels: string[] = [];
  let open = false;
  for (const r of list) {
    const action = r.action ?? 'replace';
    if (action === 'labelmap') open = true;
    const target = r.targetLabel;
    if ((action === 'replace' || action === 'hashmod' || action === 'lowercase' || action === 'uppercase') && typeof target === 'string' && !target.startsWith('__') && !target.includes('$')) labels.push(target);
    if (typeof target === 'string' && target.includes('$')) open = true;
  }
  return { labels, open };
}

/** A bundle's scrape job as the label flow sees it. */
export function flowJob(j: ScrapeJob): FlowJob {
  const relabel = relabelTargetLabels(j.relabelConfigs ?? []);
  const metricRelabel = relabelTargetLabels(j.metricRelabelConfigs ?? []);
  return {
    name: j.name,
    ...(j.exporter ? { exporter: j.exporter } : {}),
    targetLabels: [...new Set([...(j.staticConfigs ?? []).flatMap((s) => Object.keys(s.labels ?? {})), ...relabel.labels, ...metricRelabel.labels])],
    openLabels: relabel.open || metricRelabel.open || j.honorLabels === true || !!j.fileSdConfigs?.length,
  };
}

/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];

/**
 * The label flow of one stack or set of files: the labels a selector, a recorded series or a
 * whole expression can carry, from the exporter catalog, the scrape jobs and the recording
 * rules. The build, `obsgen test` and lint all ask this one class.
 */
export class LabelFlow<J extends FlowJob = FlowJob> {
  readonly jobs?: Map<string, J>;
  /** Jobs whose metrics obsgen does not know (no exporter in the catalog). */
  readonly opaqueJobs: J[] = [];
  private readonly recorded = new Map<string, FlowRecord[]>();
  private readonly memo = new Map<string, LabelSet>();
  private readonly inProgress = new Set<string>();

  /** `jobs` undefined: no scrape configuration is known, so every selector is open. */
  constructor(jobs: J[] | undefined, records: FlowRecord[]) {
    for (const r of records) {
      const list = this.recorded.get(r.name) ?? [];
      list.push(r);
      this.recorded.set(r.name, list);
    }
    if (jobs) {
      this.jobs = new Map(jobs.map((j) => [j.name, j]));
      for (const j of jobs) if (!j.exporter || !exporters().get(j.exporter)) this.opaqueJobs.push(j);
    }
  }

  /** Jobs a selector's `job` matcher selects; undefined when it has none (or no jobs are known). */
  pinnedJobs(sel: SelectorInfo): J[] | undefined {
    if (!this.jobs) return undefined;
    const m = sel.matchers.find((x) => x.name === 'job' && (x.op === '=' || x.op === '=~'));
    if (!m) return undefined;
    if (m.op === '=') return this.jobs.has(m.value) ? [this.jobs.get(m.value)!] : [];
    return valuesMatching(m, [...this.jobs.values()], (j) => j.name);
  }

  /** The catalog entry of a selector's metric: from its pinned jobs' exporters, then the stack's, then any. */
  lookup(sel: SelectorInfo): ReturnType<typeof lookupMetric> {
    const name = sel.metric;
    if (!name) return undefined;
    const pinned = this.pinnedJobs(sel)?.filter((j) => j.exporter);
    for (const j of pinned ?? []) {
      const hit = lookupMetric(name, j.exporter);
      if (hit) return hit;
    }
    if (this.jobs) {
      for (const j of this.jobs.values()) {
        if (!j.exporter) continue;
        const hit = lookupMetric(name, j.exporter);
        if (hit) return hit;
      }
    }
    return lookupMetric(name);
  }

  /** Jobs a selector reads: pinned by `job`, else those whose exporter has the metric, else the opaque ones. */
  candidateJobs(sel: SelectorInfo): J[] {
    if (!this.jobs) return [];
    const pinned = this.pinnedJobs(sel);
    if (pinned?.length) return pinned;
    const name = sel.metric;
    const byExporter = name ? [...this.jobs.values()].filter((j) => j.exporter && lookupMetric(name, j.exporter)) : [];
    if (byExporter.length) return byExporter;
    return this.opaqueJobs;
  }

  isRecorded(name: string): boolean {
    return this.recorded.has(name);
  }

  /** Labels a selector's result can carry. */
  selectorLabels(sel: SelectorInfo): LabelSet {
    const eq = sel.matchers.filter((m) => m.op === '=' && m.value !== '' && m.name !== '__name__').map((m) => m.name);
    const name = sel.metric;
    if (!name || name === 'ALERTS' || name === 'ALERTS_FOR_STATE') return { labels: new Set(eq), open: true, always: new Set(eq) };
    if (this.recorded.has(name)) {
      const out = this.recordedLabels(name);
      return { labels: new Set([...out.labels, ...eq]), open: out.open, always: new Set([...(out.always ?? []), ...eq]) };
    }
    if (!this.jobs) return { labels: new Set(eq), open: true, always: new Set(eq) };
    // A `job` matcher that selects none of the stack's jobs: the series come from elsewhere
    // (federation, remote write, a job not declared here), so their labels are unknown.
    if (this.pinnedJobs(sel)?.length === 0) return { labels: new Set(eq), open: true, always: new Set(eq) };
    const info = this.lookup(sel);
    if (!info) return { labels: new Set(eq), open: true, always: new Set(eq) };
    const jobs = this.candidateJobs(sel);
    const labels = new Set([...info.labels, ...TARGET_LABELS, ...eq, ...jobs.flatMap((j) => j.targetLabels)]);
    return { labels, open: jobs.some((j) => j.openLabels) || jobs.length === 0, always: new Set([...(jobs.length ? TARGET_LABELS : []), ...eq]) };
  }

  /** Labels a recorded series can carry: its rules' results plus their static labels. */
  recordedLabels(name: string): LabelSet {
    const memo = this.memo.get(name);
    if (memo) return memo;
    if (this.inProgress.has(name)) return { labels: new Set(), open: true };
    this.inProgress.add(name);
    let out: LabelSet | undefined;
    for (const r of this.recorded.get(name) ?? []) {
      const s = this.exprLabels(r.expr) ?? { labels: new Set<string>(), open: true };
      const fixed = Object.keys(r.labels).filter((k) => r.labels[k] !== '');
      const always = new Set([...(s.always ?? []), ...fixed]);
      const one: LabelSet = { labels: new Set([...s.labels, ...Object.keys(r.labels)]), open: s.open, always };
      // Series of any of the rules: each may carry what one carries, surely only what all carry.
      out = out ? { labels: new Set([...out.labels, ...one.labels]), open: out.open || one.open, always: new Set([...(out.always ?? [])].filter((l) => always.has(l))) } : one;
    }
    out ??= { labels: new Set(), open: false, always: new Set() };
    this.inProgress.delete(name);
    this.memo.set(name, out);
    return out;
  }

  /**
   * Whether some series the expression reads is known to carry `label` (so an operation drops it
   * when the result cannot). An open label set is no evidence: it may or may not hold the label.
   * A scraped series (not a recorded one, whose name has a colon) surely has job and instance,
   * and a catalog metric its catalog labels, config or not.
   */
  readsLabel(expr: string, label: string): boolean {
    const p = parsePromQL(expr);
    let found = false;
    p.tree.iterate({
      enter: (n) => {
        if (found || n.name !== 'VectorSelector') return;
        const sel = selectorInfo(expr, n.node);
        if (this.selectorLabels(sel).labels.has(label)) found = true;
        else if (sel.metric && !sel.metric.includes(':') && !this.recorded.has(sel.metric) && sel.metric !== 'ALERTS' && sel.metric !== 'ALERTS_FOR_STATE') {
          found = TARGET_LABELS.includes(label) || !!lookupMetric(sel.metric)?.labels.includes(label);
        }
      },
    });
    return found;
  }

  /** Labels an expression's result can carry; undefined when it does not parse. */
  exprLabels(expr: string): LabelSet | undefined {
    const p = parsePromQL(expr);
    if (p.errors.length) return undefined;
    return resultLabels(expr, p.tree.topNode, (x) => this.selectorLabels(x));
  }
}

/** A template reading a label the alert's expression cannot carry. */
export interface TemplateLabelGap {
  kind: 'annotation' | 'label';
  key: string;
  label: string;
  /** The label is a static label of the rule (which `$labels` does not hold). */
  isStatic: boolean;
  /** Labels the result can carry, sorted. */
  carried: string[];
  message: string;
  hint: string;
}

/**
 * `$labels.x` (or `.Labels.x`) in an alert's annotations or label templates where the
 * expression's result cannot carry x, so Prometheus renders it empty. Prometheus fills
 * `$labels` from the result's series alone, before it adds the rule's static labels
 * (rules/alerting.go), so a static label does not count. The build and lint both report these.
 */
export function templateLabelGaps(rule: { name: string; labels: Record<string, string>; annotations: Record<string, string> }, result: LabelSet): TemplateLabelGap[] {
  if (result.open) return [];
  const out: TemplateLabelGap[] = [];
  const carried = [...result.labels].filter((l) => l !== '__name__').sort();
  for (const [kind, map] of [['annotation', rule.annotations], ['label', rule.labels]] as const) {
    for (const key of Object.keys(map).sort()) {
      const text = map[key]!;
      if (!text.includes('{{')) continue;
      const seen = new Set<string>();
      for (const ref of checkGoTemplate(text).labels) {
        if (result.labels.has(ref.label) || ref.label === '__name__' || seen.has(ref.label)) continue;
        seen.add(ref.label);
        const isStatic = ref.label in rule.labels;
        out.push({
          kind,
          key,
          label: ref.label,
          isStatic,
          carried,
          message: `alert ${rule.name}: ${kind} ${key} reads $labels.${ref.label}, but the expression's result cannot carry ${ref.label} (it carries ${carried.join(', ') || 'no labels'})${isStatic ? `; ${ref.label} is a static label of the rule, and Prometheus fills $labels from the result's series before it adds those` : ''}, so it renders empty`,
          hint: isStatic
            ? `write the value itself (${JSON.stringify(rule.labels[ref.label])}) instead of $labels.${ref.label}`
            : `keep ${ref.label} in the expression (by (${[...carried, ref.label].join(', ')}) in the aggregation, or on()/group_left(${ref.label}) in the join), or drop $labels.${ref.label} from the ${kind}`,
        });
      }
    }
  }
  return out;
}
