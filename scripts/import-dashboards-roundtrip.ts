// Round trip of `obsgen import grafana` over a corpus of dashboard JSON files (docs/import.md):
// the dashboards of one source -> printed dashboards -> loaded into a stack -> built -> each built dashboard compared
// with the original: panels (title, type; graph/singlestat read as timeseries/stat), queries
// (expr, legend) and variables (name, query), in order; for dashboard({...}) ones also each
// panel's position and size (gridPos), field overrides and transformations.
//   OBSGEN_DASH_CORPUS=/work/corpus-dash npx tsx scripts/import-dashboards-roundtrip.ts
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { grafanaToTypeScript, importGrafana } from '../src/import/grafana.ts';
import { upgradeRows } from '../src/import/grafana-rows.ts';
import { trySynth } from '../src/stack/synth.ts';

const corpus = process.env.OBSGEN_DASH_CORPUS;
if (!corpus) {
  console.error('set OBSGEN_DASH_CORPUS to a directory of Grafana dashboard JSON files');
  process.exit(1);
}
const raw = process.env.OBSGEN_RAW === '1';

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : f.endsWith('.json') ? [p] : [];
    });
}

type Json = Record<string, unknown>;
const TYPE: Record<string, string> = { graph: 'timeseries', singlestat: 'stat', 'table-old': 'table' };

/** JSON with object keys sorted: key order carries no meaning in Grafana's model. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown => (Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Json)[k])])) : x);
  return JSON.stringify(sort(v));
}

/** Panels in reading order (rows, then their panels), as [title/type, queries] pairs. */
function panelsOf(model: Json, mapTypes: boolean): { panel: string; queries: string[]; grid: string; extra: string }[] {
  const out: { panel: string; queries: string[]; grid: string; extra: string }[] = [];
  const byPos = (list: Json[]) =>
    [...list].sort((a, b) => {
      const ga = (a.gridPos ?? {}) as Json;
      const gb = (b.gridPos ?? {}) as Json;
      return Number(ga.y ?? 0) - Number(gb.y ?? 0) || Number(ga.x ?? 0) - Number(gb.x ?? 0);
    });
  const visit = (p: Json) => {
    const type = String(p.type);
    out.push({
      panel: JSON.stringify([p.title ?? '', mapTypes ? (TYPE[type] ?? type) : type]),
      // A target without an expression shows nothing; legendFormat absent is the verbose legend, as "".
      queries: ((p.targets as Json[] | undefined) ?? []).filter((t) => typeof t.expr === 'string' && t.expr.trim()).map((t) => JSON.stringify([t.expr, t.legendFormat ?? ''])),
      // Position and size as Grafana places the panel (a row spans the grid: its x and w do not matter).
      grid: JSON.stringify(((g: Json) => (type === 'row' ? [g.y] : [g.x, g.y, g.w, g.h]))((p.gridPos ?? {}) as Json)),
      // Field overrides and transformations, empty lists as none.
      extra: canonical([((p.fieldConfig as Json | undefined)?.overrides as unknown[] | undefined) ?? [], (p.transformations as unknown[] | undefined) ?? []]),
    });
    for (const c of byPos((p.panels as Json[] | undefined) ?? [])) visit(c);
  };
  for (const p of byPos((model.panels as Json[] | undefined) ?? [])) visit(p);
  return out;
}

function variablesOf(model: Json, skipDatasource: boolean): string[] {
  const list = (((model.templating as Json | undefined)?.list as Json[] | undefined) ?? []).filter((v) => !(skipDatasource && v.type === 'datasource'));
  return list.map((v) => JSON.stringify([v.name, typeof v.query === 'object' && v.query ? (v.query as Json).query : v.query]));
}

const index = resolve('src/index.ts');
const work = mkdtempSync(join(tmpdir(), 'obsgen-import-dash-'));
const t = { files: 0, built: 0, notDashboards: 0, modelled: 0, keptRaw: 0, buildFailed: 0, modelledBuilt: 0, modelledAllPanelsIdentical: 0, panels: 0, panelsSame: 0, modelledPanels: 0, modelledPanelsSamePosition: 0, modelledPanelsIdentical: 0, queries: 0, queriesSame: 0, variables: 0, variablesSame: 0, addedVariables: 0 };
const problems: string[] = [];
const rawWhy = new Map<string, number>();
const failCodes = new Map<string, number>();
let n = 0;
// Dashboards of one source import together (links between them resolve): files of one folder
// sharing the part of their name before `__` (a mixin's dashboards), or a folder's files without one.
const groups = new Map<string, string[]>();
for (const file of walk(corpus)) {
  const rel = relative(corpus, file);
  const base = rel.split('/').pop()!;
  const key = `${rel.slice(0, rel.length - base.length)}${base.includes('__') ? base.split('__')[0] : ''}`;
  groups.set(key, [...(groups.get(key) ?? []), file]);
}
for (const [key, files] of groups) {
  const inputs = files.map((file) => ({ file: relative(corpus, file), text: readFileSync(file, 'utf8') }));
  t.files += inputs.length;
  const parsed = importGrafana(inputs, { raw });
  if (parsed.errors.length) {
    t.notDashboards += parsed.errors.length;
    problems.push(`${key}: not imported: ${parsed.errors.join('; ')}`);
  }
  const ok = inputs.filter((i) => parsed.dashboards.some((d) => d.file === i.file));
  if (!ok.length) continue;
  for (const entry of parsed.dashboards) {
    if (entry.kind === 'raw') {
      t.keptRaw++;
      const why = entry.why!.replace(/panel ".*?" \(\d+\)(\.panels\[\d+\])?/, 'a panel').replace(/variable \S+/, 'a variable').replace(/\$\S+/, '$var');
      rawWhy.set(why, (rawWhy.get(why) ?? 0) + 1);
    } else t.modelled++;
  }
  const printed = grafanaToTypeScript(ok, { raw });
  const code = `${printed.code.replace(/from 'obsgen'/, `from ${JSON.stringify(pathToFileURL(index).href)}`)}
import { defineStack } from ${JSON.stringify(pathToFileURL(index).href)};
export default defineStack({ name: 'dash-rt', scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }], dashboards });
`;
  const stackFile = join(work, `d${++n}.ts`);
  writeFileSync(stackFile, code);
  const stack = ((await import(pathToFileURL(stackFile).href)) as { default: unknown }).default;
  const result = trySynth(stack);
  if (!result.bundle) {
    t.buildFailed += ok.length;
    const errs = result.diagnostics.items.filter((d) => d.severity === 'error');
    const codes = [...new Set(errs.map((d) => d.code))];
    for (const c of codes) failCodes.set(c, (failCodes.get(c) ?? 0) + 1);
    problems.push(`${key} (${ok.length} dashboards): build refused (${errs.length} errors: ${codes.join(', ')}): ${errs.slice(0, 3).map((d) => `${d.code}: ${d.message.split('\n')[0]!.slice(0, 160)}`).join('; ')}`);
    continue;
  }
  parsed.dashboards.forEach((entry, i) => {
    const name = entry.file;
    const original = JSON.parse(inputs.find((x) => x.file === name)!.text) as Json;
    // Pre-5.0 rows are compared as Grafana itself lays them out on load.
    const model = upgradeRows((original.dashboard && typeof original.dashboard === 'object' ? original.dashboard : original) as Json);
    const built = result.bundle!.dashboards.find((d) => d.source === `dashboards[${i}]`)!.model;
    const a = panelsOf(model, entry.kind === 'dashboard');
    const b = panelsOf(built, false);
    t.panels += a.length;
    let allSame = a.length === b.length;
    if (entry.kind === 'dashboard') {
      t.modelledBuilt++;
      t.modelledPanels += a.length;
    }
    a.forEach((p, j) => {
      if (b[j]?.panel === p.panel) t.panelsSame++;
      else problems.push(`${name}: panel ${j}: built ${b[j]?.panel} != ${p.panel}`);
      // Identical: type and title, queries, position and size, overrides and transformations.
      const placed = b[j]?.panel === p.panel && b[j]?.grid === p.grid;
      const same = placed && b[j]?.extra === p.extra && JSON.stringify(b[j]?.queries) === JSON.stringify(p.queries);
      if (entry.kind === 'dashboard') {
        if (placed) t.modelledPanelsSamePosition++;
        else problems.push(`${name}: panel ${j} ${p.panel}: built at ${b[j]?.grid} != ${p.grid}`);
        if (same) t.modelledPanelsIdentical++;
        else if (placed) problems.push(`${name}: panel ${j} ${p.panel}: overrides/transformations/queries differ: built ${b[j]?.extra.slice(0, 160)} != ${p.extra.slice(0, 160)}`);
      }
      if (!same) allSame = false;
      t.queries += p.queries.length;
      p.queries.forEach((q, k) => {
        if (b[j]?.queries[k] === q) t.queriesSame++;
        else problems.push(`${name}: panel ${j} query ${k}: built ${b[j]?.queries[k]?.slice(0, 160)} != ${q.slice(0, 160)}`);
      });
    });
    const va = variablesOf(model, entry.kind === 'dashboard');
    const vb = variablesOf(built, entry.kind === 'dashboard');
    t.variables += va.length;
    for (const v of va) {
      if (vb.includes(v)) t.variablesSame++;
      else problems.push(`${name}: variable ${v} missing`);
    }
    t.addedVariables += vb.filter((v) => !va.includes(v)).length;
    if (entry.kind === 'dashboard' && allSame) t.modelledAllPanelsIdentical++;
    t.built++;
  });
}
rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify({ corpus, forcedRaw: raw, ...t, rawBecause: Object.fromEntries([...rawWhy].sort((x, y) => y[1] - x[1])), groupsRefusedWith: Object.fromEntries([...failCodes].sort((x, y) => y[1] - x[1])) }, null, 2));
for (const p of problems) console.log(`- ${p}`);
