/**
 * `obsgen import grafana FILE.json...`: Grafana dashboards -> `dashboard({...})` definitions
 * (panels, queries, variables, layout as widths and heights), or, when a dashboard uses what
 * obsgen's panels cannot express (a panel type, variable type or datasource obsgen does not
 * model), `rawDashboard({ model })`: the JSON kept as it is and checked at build.
 * Positions (gridPos), field overrides and transformations are kept on the panels; per-panel
 * details the model has no field for (colors, options) are listed.
 */
import type { DashboardSpec, PanelSpec, QuerySpec, RowSpec } from '../dashboards/user.ts';
import { upgradeRows } from './grafana-rows.ts';
import { gridIsValid } from '../dashboards/finalize.ts';
import { printTs } from './tsprint.ts';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const PANEL_TYPE: Record<string, 'timeseries' | 'stat' | 'gauge' | 'table' | 'text'> = {
  timeseries: 'timeseries',
  graph: 'timeseries',
  stat: 'stat',
  singlestat: 'stat',
  gauge: 'gauge',
  table: 'table',
  'table-old': 'table',
  text: 'text',
};

/** Why a dashboard stays raw, or undefined; what the model leaves out goes to `dropped`. */
class Unmodelled extends Error {}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function isPrometheusRef(ds: unknown): boolean {
  if (ds === undefined || ds === null) return true;
  if (typeof ds === 'string') return !/loki|elastic|influx|graphite|tempo|mysql|postgres|cloudwatch|-- /i.test(ds);
  const r = ds as Json;
  return r.type === undefined || r.type === 'prometheus' || (typeof r.uid === 'string' && /^\$\{?\w+\}?$/.test(r.uid) && r.type !== 'loki');
}

/** Grafana's gridPos x and y as the panel props carry them (whole numbers, x within the 24 columns). */
function position(grid: Json): { x?: number; y?: number } {
  const x = num(grid.x);
  const y = num(grid.y);
  return {
    ...(x !== undefined && Number.isInteger(x) && x >= 0 && x <= 23 ? { x } : {}),
    ...(y !== undefined && Number.isInteger(y) && y >= 0 ? { y } : {}),
  };
}

function queriesOf(p: Json, where: string, dropped: string[]): QuerySpec[] {
  if (!isPrometheusRef(p.datasource)) throw new Unmodelled(`${where} queries a non-Prometheus datasource`);
  const out: QuerySpec[] = [];
  for (const t of (p.targets as Json[] | undefined) ?? []) {
    if (!isPrometheusRef(t.datasource)) throw new Unmodelled(`${where} has a non-Prometheus query`);
    if (typeof t.expr !== 'string' || !t.expr.trim()) throw new Unmodelled(`${where} has a query without a PromQL expression`);
    if (t.hide === true) dropped.push(`${where}: hidden query ${JSON.stringify(t.expr)} kept visible`);
    // No legendFormat is Grafana's verbose legend (the series name), not obsgen's default `__auto`.
    out.push({ expr: t.expr, legend: typeof t.legendFormat === 'string' ? t.legendFormat : '', ...(t.instant === true ? { instant: true } : {}) });
  }
  return out;
}

function panel(p: Json, where: string, dropped: string[]): PanelSpec {
  const type = PANEL_TYPE[String(p.type)];
  if (!type) throw new Unmodelled(`${where} is a ${String(p.type)} panel`);
  const title = typeof p.title === 'string' ? p.title : '';
  if (!title.trim()) throw new Unmodelled(`${where} has no title`);
  const grid = isMap(p.gridPos) ? p.gridPos : {};
  const size = {
    ...(num(grid.w) ? { width: Math.min(24, Math.max(1, Math.round(num(grid.w)!))) } : {}),
    ...(num(grid.h) ? { height: Math.min(60, Math.max(1, Math.round(num(grid.h)!))) } : {}),
    ...position(grid),
  };
  const description = typeof p.description === 'string' && p.description ? { description: p.description } : {};
  if (p.repeat) throw new Unmodelled(`${where} repeats over $${String(p.repeat)}`);
  if (type === 'text') {
    const options = isMap(p.options) ? p.options : {};
    const content = typeof options.content === 'string' ? options.content : typeof p.content === 'string' ? p.content : '';
    return { type: 'text', title, content, ...description, ...size };
  }
  const queries = queriesOf(p, where, dropped);
  if (!queries.length) throw new Unmodelled(`${where} has no queries`);
  const fc = isMap(p.fieldConfig) ? p.fieldConfig : {};
  const defaults = isMap(fc.defaults) ? fc.defaults : {};
  const yaxes = Array.isArray(p.yaxes) ? (p.yaxes as Json[]) : [];
  const unit = typeof defaults.unit === 'string' && defaults.unit ? defaults.unit : typeof yaxes[0]?.format === 'string' ? (yaxes[0]!.format as string) : typeof p.format === 'string' ? p.format : undefined;
  const th = isMap(defaults.thresholds) ? defaults.thresholds : {};
  const steps = Array.isArray(th.steps) ? (th.steps as Json[]) : [];
  if (th.mode === 'percentage') dropped.push(`${where}: percentage thresholds read as absolute`);
  const thresholds = steps.filter((s) => typeof s.value === 'number' && typeof s.color === 'string').map((s) => ({ value: s.value as number, color: s.color as string }));
  const base = steps.find((s) => s.value === null || s.value === undefined)?.color;
  // Overrides and transformations are kept as Grafana wrote them (the panel's `overrides` and `transformations`).
  const overrides = Array.isArray(fc.overrides) ? (fc.overrides as Json[]).filter((o) => isMap(o.matcher) && typeof o.matcher.id === 'string' && o.matcher.id && Array.isArray(o.properties)) : [];
  if (Array.isArray(fc.overrides) && overrides.length < fc.overrides.length) dropped.push(`${where}: ${fc.overrides.length - overrides.length} field override(s) without a matcher`);
  const transformations = Array.isArray(p.transformations) ? (p.transformations as Json[]).filter((t) => isMap(t) && typeof t.id === 'string' && t.id) : [];
  const links = ((p.links as Json[] | undefined) ?? []).filter((l) => typeof l.title === 'string' && l.title && typeof l.url === 'string' && l.url).map((l) => ({ title: l.title as string, url: l.url as string }));
  const common = {
    title,
    ...description,
    ...(queries.length === 1 ? { query: queries[0]!.expr, legend: queries[0]!.legend } : { queries }),
    ...(unit ? { unit } : {}),
    ...(thresholds.length ? { thresholds } : {}),
    ...(typeof base === 'string' && base !== 'green' ? { baseColor: base } : {}),
    ...(num(defaults.min) !== undefined ? { min: num(defaults.min) } : {}),
    ...(num(defaults.max) !== undefined ? { max: num(defaults.max) } : {}),
    ...(num(defaults.decimals) !== undefined && Number.isInteger(defaults.decimals) && (defaults.decimals as number) <= 10 && (defaults.decimals as number) >= 0 ? { decimals: num(defaults.decimals) } : {}),
    ...size,
    ...(links.length ? { links } : {}),
    ...(overrides.length ? { overrides } : {}),
    ...(transformations.length ? { transformations } : {}),
  };
  // One query with `instant` needs the queries form.
  if (queries.length === 1 && queries[0]!.instant) {
    delete (common as Json).query;
    delete (common as Json).legend;
    (common as Json).queries = queries;
  }
  if (type === 'timeseries') {
    const custom = isMap(defaults.custom) ? defaults.custom : {};
    const stacking = isMap(custom.stacking) ? custom.stacking.mode : undefined;
    const stack = stacking === 'normal' || p.stack === true;
    const options = isMap(p.options) ? p.options : {};
    const legend = isMap(options.legend) ? options.legend : isMap(p.legend) ? p.legend : {};
    const legendMode = legend.showLegend === false || legend.show === false ? 'hidden' : legend.displayMode === 'table' || legend.alignAsTable === true ? 'table' : legend.displayMode === 'list' ? 'list' : undefined;
    return { type, ...common, ...(stack ? { stack: true } : {}), ...(legendMode ? { legendMode } : {}) } as PanelSpec;
  }
  return { type, ...common } as PanelSpec;
}

function variables(list: Json[], dropped: string[]): DashboardSpec['variables'] {
  const out: NonNullable<DashboardSpec['variables']> = [];
  for (const v of list) {
    const name = String(v.name);
    if (v.type !== 'datasource' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Unmodelled(`variable ${JSON.stringify(name)} has a name obsgen's variables cannot carry`);
    if (v.type === 'datasource') {
      dropped.push(`variable ${name}: a datasource choice (the bundle provisions one Prometheus)`);
      continue;
    }
    if (v.type !== 'query') throw new Unmodelled(`variable ${name} is a ${String(v.type)} variable`);
    if (!isPrometheusRef(v.datasource)) throw new Unmodelled(`variable ${name} queries a non-Prometheus datasource`);
    const query = typeof v.query === 'string' ? v.query : isMap(v.query) && typeof v.query.query === 'string' ? v.query.query : undefined;
    if (!query) throw new Unmodelled(`variable ${name} has no query`);
    if (v.regex) dropped.push(`variable ${name}: regex ${JSON.stringify(v.regex)}`);
    out.push({
      name,
      ...(typeof v.label === 'string' && v.label && v.label !== name ? { label: v.label } : {}),
      query,
      ...(v.multi === true ? { multi: true } : {}),
      ...(v.includeAll === true ? { includeAll: true } : {}),
    });
  }
  return out;
}

/** Rows as obsgen has them: a row with its panels (collapsed rows carry theirs, open rows the panels after them). */
function layout(panels: Json[], dropped: string[]): DashboardSpec['panels'] {
  const out: (PanelSpec | RowSpec)[] = [];
  const sorted = [...panels].sort((a, b) => {
    const ga = (isMap(a.gridPos) ? a.gridPos : {}) as Json;
    const gb = (isMap(b.gridPos) ? b.gridPos : {}) as Json;
    return (num(ga.y) ?? 0) - (num(gb.y) ?? 0) || (num(ga.x) ?? 0) - (num(gb.x) ?? 0);
  });
  let current: RowSpec | undefined;
  sorted.forEach((p, i) => {
    const where = `panel ${JSON.stringify(p.title ?? '')} (${i})`;
    if (p.type === 'row') {
      const title = typeof p.title === 'string' && p.title.trim() ? p.title : undefined;
      if (!title) throw new Unmodelled(`${where} is a row without a title`);
      if (p.repeat) throw new Unmodelled(`${where} repeats over $${String(p.repeat)}`);
      const y = position(isMap(p.gridPos) ? p.gridPos : {}).y;
      current = {
        type: 'row',
        title,
        panels: ((p.panels as Json[] | undefined) ?? []).map((c, j) => panel(c, `${where}.panels[${j}]`, dropped)),
        ...(p.collapsed === true ? { collapsed: true } : {}),
        ...(y !== undefined ? { y } : {}),
      };
      out.push(current);
      return;
    }
    const spec = panel(p, where, dropped);
    if (current && !current.collapsed) current.panels.push(spec);
    else if (current) throw new Unmodelled(`${where} follows a collapsed row outside it`);
    else out.push(spec);
  });
  // Grafana pushes overlapping panels apart when it loads a dashboard; obsgen's check refuses
  // them. Positions are kept only where the file's grid is valid, else panels go in reading order.
  if (!gridIsValid(panels)) {
    dropped.push('panel positions (they overlap or run past the 24 columns in the file): panels laid out in reading order');
    const strip = (x: PanelSpec | RowSpec) => {
      delete (x as { x?: number }).x;
      delete (x as { y?: number }).y;
      if (x.type === 'row') x.panels.forEach(strip);
    };
    out.forEach(strip);
  }
  return out;
}

export interface GrafanaImport {
  /** One entry per dashboard, as TypeScript text of dashboard({...}) or rawDashboard({...}). */
  dashboards: { file: string; kind: 'dashboard' | 'raw'; spec: unknown; why?: string; dropped: string[] }[];
  errors: string[];
}

/** The dashboard JSON of a file: a model, or the `dashboard` field of an API response. */
function modelOf(doc: unknown): Json | undefined {
  if (!isMap(doc)) return undefined;
  if (isMap(doc.dashboard) && Array.isArray((doc.dashboard as Json).panels)) return doc.dashboard as Json;
  if (Array.isArray(doc.panels) || Array.isArray(doc.rows)) return doc;
  return undefined;
}

export function importGrafana(inputs: { file: string; text: string }[], options: { raw?: boolean } = {}): GrafanaImport {
  const out: GrafanaImport = { dashboards: [], errors: [] };
  for (const { file, text } of inputs) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      out.errors.push(`${file}: not JSON: ${(e as Error).message}`);
      continue;
    }
    const found = modelOf(doc);
    const model = found && upgradeRows(found);
    if (!model) {
      out.errors.push(`${file}: not a Grafana dashboard (no panels)`);
      continue;
    }
    if (typeof model.title !== 'string' || !model.title.trim()) {
      out.errors.push(`${file}: the dashboard has no title`);
      continue;
    }
    if ('elements' in model || 'apiVersion' in model) {
      out.errors.push(`${file}: is a v2 (schema v2) dashboard; export it as classic JSON from Grafana`);
      continue;
    }
    const dropped: string[] = [];
    try {
      if (options.raw) throw new Unmodelled('--raw');
      const templating = isMap(model.templating) && Array.isArray(model.templating.list) ? (model.templating.list as Json[]) : [];
      const uid = typeof model.uid === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(model.uid) ? model.uid : undefined;
      const time = isMap(model.time) ? model.time : {};
      const spec: Omit<DashboardSpec, 'kind'> = {
        imported: true,
        ...(uid ? { uid } : {}),
        title: model.title,
        ...(typeof model.description === 'string' && model.description ? { description: model.description } : {}),
        ...(Array.isArray(model.tags) && model.tags.length ? { tags: model.tags.map(String) } : {}),
        ...(templating.length ? { variables: variables(templating, dropped) } : {}),
        ...(typeof time.from === 'string' && time.from !== 'now-6h' ? { from: time.from } : {}),
        ...(typeof model.refresh === 'string' && model.refresh && model.refresh !== '30s' ? { refresh: model.refresh } : {}),
        panels: layout((model.panels as Json[]) ?? [], dropped),
      };
      if (!spec.panels.length) throw new Unmodelled('has no panels');
      if (Array.isArray(model.links) && model.links.length) dropped.push(`dashboard links (${model.links.length})`);
      const annotations = isMap(model.annotations) && Array.isArray(model.annotations.list) ? (model.annotations.list as Json[]).filter((a) => a.builtIn !== 1) : [];
      if (annotations.length) dropped.push(`annotation queries (${annotations.length})`);
      out.dashboards.push({ file, kind: 'dashboard', spec, dropped });
    } catch (e) {
      if (!(e instanceof Unmodelled)) throw e;
      out.dashboards.push({ file, kind: 'raw', spec: { model }, why: e.message, dropped: [] });
    }
  }
  return out;
}

export function grafanaToTypeScript(inputs: { file: string; text: string }[], options: { raw?: boolean } = {}): { code: string; errors: string[]; notes: string[] } {
  const r = importGrafana(inputs, options);
  const notes: string[] = [];
  const entries = r.dashboards.map((d) => {
    if (d.kind === 'raw') {
      notes.push(`${d.file}: kept as raw JSON: ${d.why}`);
      return `  // ${d.file}: kept as raw JSON (${d.why})\n  rawDashboard(${printTs(d.spec, '  ')})`;
    }
    for (const x of d.dropped) notes.push(`${d.file}: not carried: ${x}`);
    const head = [`// ${d.file}`, ...d.dropped.map((x) => `// not carried: ${x}`)].map((l) => `  ${l.replace(/\n/g, ' ')}`).join('\n');
    return `${head}\n  dashboard(${printTs(d.spec, '  ')})`;
  });
  const used = [...new Set(r.dashboards.map((d) => (d.kind === 'raw' ? 'rawDashboard' : 'dashboard')))].sort();
  const code = r.dashboards.length
    ? [
        `// Imported by \`obsgen import grafana\`: use as defineStack({ ..., dashboards }).`,
        `import { ${used.join(', ')} } from 'obsgen';`,
        '',
        `export const dashboards = [\n${entries.join(',\n')},\n];`,
        '',
      ].join('\n')
    : '';
  return { code, errors: r.errors, notes };
}
