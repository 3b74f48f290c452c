/**
 * OpenSLO v1 import: `openslo('file.yaml')` in a stack's `slos`, and the text behind
 * `obsgen import openslo FILE`. SLO documents (with inline SLIs or `indicatorRef` to an SLI
 * document of the same file) become `slo({...})` props; what does not map is reported as
 * notes (see docs/slo.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { defineComponent, type Component } from '../core/component.ts';
import { Decimal, formatNumber } from '../core/decimal.ts';
import { isDuration } from '../core/duration.ts';
import { z } from 'zod';
import type { SloProps } from './schema.ts';
import { slo } from './index.ts';

type Doc = Record<string, unknown>;

export interface OpenSloImport {
  slos: SloProps[];
  /** What was dropped or approximated, one line each, with the document it came from. */
  notes: string[];
  errors: string[];
}

const obj = (v: unknown): Doc => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** A metricSource query: obsgen needs a plain series selector (it adds increase() and sum itself). */
function selectorOf(source: unknown, where: string, errors: string[]): string | undefined {
  const ms = obj(obj(source).metricSource);
  const type = str(ms.type);
  if (type && type.toLowerCase() !== 'prometheus') {
    errors.push(`${where}: metricSource type ${type} is not Prometheus`);
    return undefined;
  }
  const spec = obj(ms.spec);
  const q = str(spec.query) ?? str(spec.promql);
  if (!q) {
    errors.push(`${where}: metricSource.spec.query is missing`);
    return undefined;
  }
  const text = q.trim();
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$/.test(text)) {
    errors.push(`${where}: ${JSON.stringify(text)} is not a plain series selector; obsgen applies increase() and sum itself (write the counter, e.g. http_requests_total{job="api"})`);
    return undefined;
  }
  return text;
}

export function fromOpenSLO(text: string, file = 'openslo.yaml'): OpenSloImport {
  const out: OpenSloImport = { slos: [], notes: [], errors: [] };
  let docs: Doc[];
  try {
    docs = parseAllDocuments(text).map((d) => {
      if (d.errors.length) throw new Error(d.errors[0]!.message);
      return obj(d.toJS());
    });
  } catch (e) {
    out.errors.push(`${file}: not YAML: ${(e as Error).message}`);
    return out;
  }
  const slis = new Map<string, Doc>();
  for (const d of docs) if (d.kind === 'SLI') slis.set(str(obj(d.metadata).name) ?? '', d);
  docs.forEach((d, i) => {
    const where = `${file} document ${i + 1}`;
    if (d.apiVersion !== 'openslo/v1') {
      out.errors.push(`${where}: apiVersion ${JSON.stringify(d.apiVersion)} is not openslo/v1`);
      return;
    }
    if (d.kind !== 'SLO') {
      if (d.kind !== 'SLI') out.notes.push(`${where}: kind ${String(d.kind)} is not imported (obsgen reads SLO and SLI documents)`);
      return;
    }
    const meta = obj(d.metadata);
    const spec = obj(d.spec);
    const name = str(meta.name) ?? '';
    const w = `${where} (SLO ${name})`;
    const service = str(spec.service);
    if (!service) {
      out.errors.push(`${w}: spec.service is missing`);
      return;
    }
    let indicator = obj(spec.indicator);
    if (!spec.indicator && spec.indicatorRef) {
      const ref = slis.get(str(spec.indicatorRef) ?? '');
      if (!ref) {
        out.errors.push(`${w}: indicatorRef ${JSON.stringify(spec.indicatorRef)} names no SLI document in this file`);
        return;
      }
      indicator = ref;
    }
    const ispec = obj(indicator.spec);
    let sli: SloProps['sli'] | undefined;
    if (ispec.ratioMetric) {
      const r = obj(ispec.ratioMetric);
      if (r.counter === false) out.notes.push(`${w}: ratioMetric.counter is false; obsgen treats good/bad/total as counters (increase over 5m)`);
      if (r.raw) {
        const raw = selectorOf(r.raw, `${w} ratioMetric.raw`, []);
        const q = raw ?? str(obj(obj(obj(r.raw).metricSource).spec).query);
        if (!q) out.errors.push(`${w}: ratioMetric.raw has no query`);
        else {
          const failure = str(r.rawType) !== 'success';
          sli = { ratio: { errorRatio: failure ? q : `1 - (${q})` } };
          out.notes.push(`${w}: a raw ratio is judged per 5m and weighted by time, not by traffic; write {{window}} in its query where a range belongs`);
        }
      } else {
        const total = selectorOf(r.total, `${w} ratioMetric.total`, out.errors);
        const good = r.good ? selectorOf(r.good, `${w} ratioMetric.good`, out.errors) : undefined;
        const bad = r.bad ? selectorOf(r.bad, `${w} ratioMetric.bad`, out.errors) : undefined;
        if (total && (good || bad)) sli = { events: { total, ...(bad ? { bad } : { good: good! }) } };
        else if (total && !r.good && !r.bad) out.errors.push(`${w}: ratioMetric needs good or bad`);
      }
    } else if (ispec.thresholdMetric) {
      out.errors.push(`${w}: thresholdMetric SLIs do not map (obsgen SLIs are event ratios, histogram latency, raw ratios or 0/1 gauges); rewrite as a latency or availability SLI`);
    } else {
      out.errors.push(`${w}: no indicator (spec.indicator or spec.indicatorRef)`);
    }
    if (!sli) return;
    const tw = Array.isArray(spec.timeWindow) ? obj(spec.timeWindow[0]) : {};
    let window = str(tw.duration) ?? '30d';
    if (!isDuration(window)) {
      const m = /^(\d+)([MQY])$/.exec(window);
      const days = m ? Number(m[1]) * ({ M: 30, Q: 91, Y: 365 } as Record<string, number>)[m[2]!]! : undefined;
      out.notes.push(`${w}: time window ${window} is read as ${days ?? 30}d (Prometheus durations have no months, quarters or years)`);
      window = `${days ?? 30}d`;
    }
    if (tw.calendar || tw.isRolling === false) out.notes.push(`${w}: calendar-aligned windows are not supported; the window is rolling`);
    const method = str(spec.budgetingMethod);
    if (method && method !== 'Occurrences') out.notes.push(`${w}: budgetingMethod ${method} is read as Occurrences (events, weighted by traffic)`);
    if (Array.isArray(spec.alertPolicies) && spec.alertPolicies.length) {
      out.notes.push(`${w}: alertPolicies are not imported: OpenSLO conditions hold one window each, obsgen alerts on the SRE Workbook's multi-window pairs (set alerting.pairs to change them)`);
    }
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(meta.labels))) {
      if (typeof v === 'string' && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) labels[k] = v;
      else out.notes.push(`${w}: label ${k} is not imported (obsgen labels are single strings with Prometheus label names)`);
    }
    const objectives = Array.isArray(spec.objectives) ? spec.objectives.map(obj) : [];
    if (!objectives.length) out.errors.push(`${w}: no objectives`);
    objectives.forEach((o, j) => {
      let objective: string | undefined;
      if (o.targetPercent !== undefined) objective = formatNumber(Decimal.from(str(o.targetPercent)!));
      else if (o.target !== undefined) objective = formatNumber(Decimal.from(str(o.target)!).mul(100));
      if (!objective) {
        out.errors.push(`${w}: objective ${j + 1} has no target or targetPercent`);
        return;
      }
      if (o.op || o.value !== undefined) out.notes.push(`${w}: objective ${j + 1}'s op/value (threshold SLIs) is ignored`);
      const sloName = (objectives.length > 1 ? `${name}-${str(o.displayName)?.toLowerCase().replace(/[^a-z0-9]+/g, '-') || j + 1}` : name)
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^-+|-+$/g, '');
      const props: SloProps = {
        service,
        name: sloName,
        objective: Number(objective),
        window,
        sli,
        ...(str(spec.description) ? { description: str(spec.description)! } : {}),
        ...(Object.keys(labels).length ? { alerting: { labels } } : {}),
      };
      out.slos.push(props);
    });
  });
  return out;
}

const importError = defineComponent('openslo', z.object({ file: z.string(), errors: z.array(z.string()) }), (p, ctx) => {
  for (const e of p.errors) ctx.diag.error(ctx.path, 'openslo', e, { value: p.file, hint: 'fix the OpenSLO file or define the SLO with slo({...}); see docs/slo.md for what maps' });
  return { scrapeJobs: [], ruleGroups: [], dashboards: [], inhibitRules: [], composeServices: [] };
});

/**
 * The SLOs of an OpenSLO v1 file (relative paths from the current directory, or from
 * `baseDir`), for a stack's `slos: [...openslo('slos.yaml')]`. Errors surface at build,
 * with the path of the entry in `slos`.
 */
export function openslo(file: string, options: { baseDir?: string } = {}): Component[] {
  const path = resolve(options.baseDir ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return [importError({ file, errors: [`cannot read ${file}: ${(e as Error).message}`] }) as Component];
  }
  const r = fromOpenSLO(text, file);
  const parts: Component[] = r.slos.map((p) => slo(p) as Component);
  if (r.errors.length) parts.push(importError({ file, errors: r.errors }) as Component);
  return parts;
}

/** `obsgen import openslo FILE`: TypeScript for the same SLOs, with what did not map as comments. */
export function openSloToTypeScript(text: string, file: string): { code: string; errors: string[] } {
  const r = fromOpenSLO(text, file);
  const lines = [`// Imported from ${file} by obsgen import openslo.`];
  for (const n of r.notes) lines.push(`// note: ${n}`);
  for (const e of r.errors) lines.push(`// not imported: ${e}`);
  lines.push(`import { slo } from 'obsgen';`, '', 'export const slos = [');
  for (const p of r.slos) lines.push(`  slo(${toTs(p, 1)}),`);
  lines.push('];', '');
  return { code: lines.join('\n'), errors: r.errors };
}

function toTs(v: unknown, depth: number): string {
  if (Array.isArray(v)) return `[${v.map((x) => toTs(x, depth + 1)).join(', ')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Doc).filter(([, x]) => x !== undefined);
    const pad = '  '.repeat(depth + 1);
    const keys = entries.map(([k, x]) => `${pad}${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${toTs(x, depth + 1)},`);
    return `{\n${keys.join('\n')}\n${'  '.repeat(depth)}}`;
  }
  return typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v);
}
