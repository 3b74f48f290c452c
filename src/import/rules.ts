/**
 * `obsgen import rules FILE...`: Prometheus rule files (or PrometheusRule objects) -> a stack
 * file whose `ruleGroups` build into the same rules: names, expressions verbatim, labels,
 * annotations, `for`, `keep_firing_for`, group interval, limit, query_offset and labels. Alerts of a shape obsgen can
 * write input series for get generated promtool scenarios (src/import/ruletests.ts).
 */
import { parseAllDocuments } from 'yaml';
import type { ImportedGroupProps } from '../alerts/imported.ts';
import { FILE_STEM_RE } from '../alerts/imported.ts';
import { isDuration } from '../core/duration.ts';
import { alertScenarios } from './ruletests.ts';
import { printTs } from './tsprint.ts';

export interface RuleFileInput {
  file: string;
  text: string;
}

export interface RulesImport {
  groups: ImportedGroupProps[];
  errors: string[];
  /** What was left out without changing what Prometheus does (an empty group). */
  notes: string[];
  /** Alerts that got generated tests, and all alerts. */
  tested: number;
  alerts: number;
}

const GROUP_KEYS = new Set(['name', 'interval', 'query_offset', 'limit', 'labels', 'rules']);
const RULE_KEYS = new Set(['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);

type Raw = Record<string, unknown>;

const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The groups of one YAML document: a rule file's `groups`, or a PrometheusRule's `spec.groups`. */
function groupsOf(doc: unknown): unknown[] | undefined {
  if (!isMap(doc)) return undefined;
  if (Array.isArray(doc.groups)) return doc.groups;
  if (doc.kind === 'PrometheusRule' && isMap(doc.spec) && Array.isArray(doc.spec.groups)) return doc.spec.groups;
  return undefined;
}

function stringMap(v: unknown, where: string, errors: string[]): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isMap(v)) {
    errors.push(`${where}: is not a map of strings`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') errors.push(`${where}.${k}: is not a string`);
    else out[k] = val;
  }
  return out;
}

function durationField(v: unknown, where: string, errors: string[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !isDuration(v)) {
    errors.push(`${where}: ${JSON.stringify(v)} is not a Prometheus duration (e.g. 5m, 1h30m)`);
    return undefined;
  }
  return v;
}

/** A file stem for every group: its name where that is one and unused, else a slug of it made unique. */
function assignStems(groups: ImportedGroupProps[]): void {
  const used = new Set<string>();
  const plain = groups.map((g) => FILE_STEM_RE.test(g.name));
  groups.forEach((g, i) => {
    if (plain[i] && !used.has(g.name.toLowerCase())) {
      used.add(g.name.toLowerCase());
      return;
    }
    const base = g.name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '') || 'group';
    let stem = base;
    for (let n = 2; used.has(stem) || groups.some((o, j) => j > i && plain[j] && o.name.toLowerCase() === stem); n++) stem = `${base}-${n}`;
    used.add(stem);
    g.file = stem;
  });
}

export function importRules(inputs: RuleFileInput[]): RulesImport {
  const out: RulesImport = { groups: [], errors: [], notes: [], tested: 0, alerts: 0 };
  for (const { file, text } of inputs) {
    // The failsafe schema reads every scalar as the string written (`1.0` stays `1.0`, as Prometheus reads it).
    const docs = parseAllDocuments(text, { schema: 'failsafe' });
    const list = Array.isArray(docs) ? docs : [docs];
    let found = false;
    list.forEach((doc, d) => {
      if (doc.errors.length) {
        out.errors.push(`${file}: not YAML: ${doc.errors[0]!.message}`);
        return;
      }
      const js = doc.toJS();
      const groups = groupsOf(js);
      // An empty document (or `{}`) is a rule file with no groups, as Prometheus reads it.
      if (js === null || js === '' || (isMap(js) && Object.keys(js).length === 0)) found = true;
      if (!groups) return;
      found = true;
      groups.forEach((g, gi) => {
        const where = `${file}${list.length > 1 ? `[doc ${d}]` : ''}: groups[${gi}]`;
        const group = importGroup(g, where, out);
        if (group) out.groups.push(group);
      });
    });
    if (!found && !out.errors.some((e) => e.startsWith(`${file}:`))) out.errors.push(`${file}: has no rule groups (expected groups: [...] or a PrometheusRule with spec.groups)`);
    else if (!out.groups.length && !out.errors.length) out.notes.push(`${file}: has no rules`);
  }
  assignStems(out.groups);
  dropTestsOfSharedNames(out);
  return out;
}

/**
 * promtool checks every alert of a name at once: tiers of one name (a warning and a critical
 * threshold) both fire on a scenario written for one, so none of them gets generated tests.
 */
function dropTestsOfSharedNames(out: RulesImport): void {
  const count = new Map<string, number>();
  for (const g of out.groups) for (const r of g.rules) if ('alert' in r) count.set(r.alert, (count.get(r.alert) ?? 0) + 1);
  for (const g of out.groups) {
    for (const r of g.rules) {
      if (!('alert' in r) || (count.get(r.alert) ?? 0) < 2 || !r.tests) continue;
      delete r.tests;
      out.tested--;
    }
  }
}

function importGroup(g: unknown, where: string, out: RulesImport): ImportedGroupProps | undefined {
  if (!isMap(g)) {
    out.errors.push(`${where}: is not a group (name, rules)`);
    return undefined;
  }
  for (const k of Object.keys(g)) {
    if (!GROUP_KEYS.has(k)) out.errors.push(`${where}.${k}: obsgen does not carry this group field yet; remove it or set it by hand after the import`);
  }
  if (typeof g.name !== 'string' || !g.name) {
    out.errors.push(`${where}.name: a group needs a name`);
    return undefined;
  }
  const interval = durationField(g.interval, `${where}.interval`, out.errors);
  const queryOffset = durationField(g.query_offset, `${where}.query_offset`, out.errors);
  const groupLabels = stringMap(g.labels, `${where}.labels`, out.errors) ?? {};
  let limit: number | undefined;
  if (g.limit !== undefined && g.limit !== null) {
    limit = /^\d+$/.test(String(g.limit)) ? Number(g.limit) : undefined;
    if (limit === undefined) out.errors.push(`${where}.limit: ${JSON.stringify(g.limit)} is not a whole number`);
  }
  const rawRules = Array.isArray(g.rules) ? g.rules : [];
  const rules: ImportedGroupProps['rules'] = [];
  rawRules.forEach((r, ri) => {
    const rw = `${where}.rules[${ri}]`;
    if (!isMap(r)) {
      out.errors.push(`${rw}: is not a rule`);
      return;
    }
    for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) out.errors.push(`${rw}.${k}: is not a rule field Prometheus knows`);
    if (typeof r.expr !== 'string' || !r.expr.trim()) {
      out.errors.push(`${rw}.expr: a rule needs an expression`);
      return;
    }
    const labels = stringMap(r.labels, `${rw}.labels`, out.errors);
    if (typeof r.record === 'string') {
      rules.push({ record: r.record, expr: r.expr, ...(labels ? { labels } : {}) });
      return;
    }
    if (typeof r.alert !== 'string') {
      out.errors.push(`${rw}: has neither alert: nor record:`);
      return;
    }
    out.alerts++;
    const forDuration = durationField(r.for, `${rw}.for`, out.errors);
    const keepFiringFor = durationField(r.keep_firing_for, `${rw}.keep_firing_for`, out.errors);
    const annotations = stringMap(r.annotations, `${rw}.annotations`, out.errors);
    // The scenarios expect the labels Prometheus attaches (the group's, then the rule's) and query at the offset.
    const tests = alertScenarios({ expr: r.expr, for: forDuration, queryOffset, labels: { ...groupLabels, ...(labels ?? {}) }, annotations: annotations ?? {} });
    if (tests) out.tested++;
    rules.push({
      alert: r.alert,
      expr: r.expr,
      ...(forDuration ? { for: forDuration } : {}),
      ...(keepFiringFor ? { keepFiringFor } : {}),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ...(tests ? { tests } : {}),
    });
  });
  if (!rules.length) {
    // Prometheus loads an empty group; obsgen has nothing to emit for it.
    if (!rawRules.length) out.notes.push(`${where}: group ${JSON.stringify(g.name)} has no rules; left out (it evaluates nothing)`);
    return undefined;
  }
  return {
    name: g.name,
    ...(interval ? { interval } : {}),
    ...(queryOffset ? { queryOffset } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(Object.keys(groupLabels).length ? { labels: groupLabels } : {}),
    rules,
  };
}

/** The stack file for the imported groups. */
export function rulesToTypeScript(result: RulesImport, stackName: string, files: string[]): string {
  const lines = [
    `// Imported by \`obsgen import rules\` from ${files.join(', ')}.`,
    `// The rules are kept as written (ruleGroups); ${result.tested} of ${result.alerts} alerts got generated tests.`,
    `// obsgen's conventions (severity and service labels, summary/description/runbook_url, for:, tests) are warnings on them.`,
    ...result.notes.map((n) => `// note: ${n}`),
    `import { defineStack } from 'obsgen';`,
    '',
    `export default defineStack(${printTs({ name: stackName, ruleGroups: result.groups })});`,
    '',
  ];
  return lines.join('\n');
}
