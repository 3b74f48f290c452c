/**
 * Rule files as Prometheus loads them (model/rulefmt): groups with name, interval, query_offset,
 * limit, labels and rules; each rule a `record` or an `alert` with expr, for, keep_firing_for,
 * labels and annotations. Errors are the ones rulefmt reports, one per problem, all at once.
 */
import { readFileSync } from 'node:fs';
import { checkGoTemplate } from '../core/gotemplate.ts';
import { typeCheck } from '../promql/index.ts';
import { goQuote, parseModelDuration } from './format.ts';
import { decodeStrict, type Struct } from './yamlstrict.ts';

export interface RuleDef {
  kind: 'record' | 'alert';
  name: string;
  expr: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface GroupDef {
  file: string;
  name: string;
  /** 0 when the file does not set it: the caller's default applies. */
  intervalMs: number;
  queryOffsetMs: number;
  limit: number;
  rules: RuleDef[];
}

const RULE: Struct = {
  type: 'Rule',
  fields: { record: 'string', alert: 'string', expr: 'string', for: 'duration', keep_firing_for: 'duration', labels: 'stringMap', annotations: 'stringMap' },
};
const GROUP: Struct = {
  type: 'RuleGroup',
  fields: { name: 'string', interval: 'duration', query_offset: 'duration', limit: 'int', rules: { list: RULE }, labels: 'stringMap' },
};
const FILE: Struct = { type: 'RuleGroups', fields: { groups: { list: GROUP } } };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Raw = Record<string, unknown> | null;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Loads one rule file; `errors` name the file, group and rule as Prometheus does. */
export function loadRuleFile(path: string): { groups: GroupDef[]; errors: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { groups: [], errors: [`${path}: open ${path}: no such file or directory`] };
  }
  const decoded = decodeStrict(text, FILE);
  if (decoded.errors.length) return { groups: [], errors: decoded.errors.map((e) => `${path}: ${e}`) };
  const errors: string[] = [];
  const groups: GroupDef[] = [];
  const seen = new Set<string>();
  const rawGroups = ((decoded.value as Raw)?.groups ?? []) as Raw[];
  for (const g of rawGroups) {
    const name = str(g?.name);
    if (!name) errors.push(`${path}: Groupname must not be empty`);
    else if (seen.has(name)) errors.push(`${path}: ${goQuote(name)}: groupname: ${goQuote(name)} is repeated in the same file`);
    seen.add(name);
    const dur = (v: unknown, what: string): number => {
      if (v === null || v === undefined || v === '') return 0;
      try {
        return parseModelDuration(str(v));
      } catch (e) {
        errors.push(`${path}: group ${goQuote(name)}: ${what}: ${(e as Error).message}`);
        return 0;
      }
    };
    const groupLabels = (g?.labels ?? {}) as Record<string, string>;
    const rules: RuleDef[] = [];
    ((g?.rules ?? []) as Raw[]).forEach((r, i) => {
      const record = str(r?.record);
      const alert = str(r?.alert);
      const expr = str(r?.expr);
      const ruleName = record || alert;
      const where = `${path}: group ${goQuote(name)}, rule ${i + 1}, ${goQuote(ruleName)}`;
      const ruleErrors: string[] = [];
      if (record && alert) ruleErrors.push("only one of 'record' and 'alert' must be set");
      if (!record && !alert) ruleErrors.push("one of 'record' or 'alert' must be set");
      if (!expr) ruleErrors.push("field 'expr' must be set in rule");
      else {
        const tc = typeCheck(expr);
        if (tc.errors.length) ruleErrors.push(`could not parse expression: ${tc.errors[0]!.message}`);
      }
      const labels = { ...groupLabels, ...((r?.labels ?? {}) as Record<string, string>) };
      const annotations = (r?.annotations ?? {}) as Record<string, string>;
      const forMs = dur(r?.for, 'for');
      const keepFiringForMs = dur(r?.keep_firing_for, 'keep_firing_for');
      if (record) {
        if (Object.keys(annotations).length) ruleErrors.push("invalid field 'annotations' in recording rule");
        if (forMs) ruleErrors.push("invalid field 'for' in recording rule");
        if (keepFiringForMs) ruleErrors.push("invalid field 'keep_firing_for' in recording rule");
        if (!METRIC_NAME.test(record)) ruleErrors.push(`invalid recording rule name: ${record}`);
        if (/[{}]/.test(record)) ruleErrors.push(`braces present in the recording rule name; should it be in expr?: ${record}`);
      }
      for (const k of Object.keys(labels).sort()) if (!LABEL_NAME.test(k) || k === '__name__') ruleErrors.push(`invalid label name: ${k}`);
      for (const k of Object.keys(annotations).sort()) if (!LABEL_NAME.test(k)) ruleErrors.push(`invalid annotation name: ${k}`);
      // Templates must parse (rulefmt testTemplateParsing): syntax, known functions, declared variables.
      if (alert) {
        for (const [what, m] of [['label', labels], ['annotation', annotations]] as const) {
          for (const k of Object.keys(m).sort()) {
            const p = checkGoTemplate(m[k]!).problems[0];
            if (p) ruleErrors.push(`${what} ${goQuote(k)}: template: __alert_${alert}: ${p.message}`);
          }
        }
      }
      for (const e of ruleErrors) errors.push(`${where}: ${e}`);
      rules.push({ kind: record ? 'record' : 'alert', name: ruleName, expr, forMs, keepFiringForMs, labels, annotations });
    });
    const limit = g?.limit ? Number(g.limit) : 0;
    if (!Number.isInteger(limit)) errors.push(`${path}: group ${goQuote(name)}: limit: cannot unmarshal ${goQuote(str(g?.limit))} into int`);
    groups.push({ file: path, name, intervalMs: dur(g?.interval, 'interval'), queryOffsetMs: dur(g?.query_offset, 'query_offset'), limit, rules });
  }
  return { groups, errors };
}

/** The shape Prometheus decodes a rule file into (for yamlfast.ts's tests). */
export { FILE as RULE_FILE_SHAPE };
