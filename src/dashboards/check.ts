/**
 * Offline checks of a bundle's dashboards: what Grafana's file provisioning needs to load
 * a classic dashboard as it is, and what makes one correct against the bundle (queries
 * parse, recording rules exist, links and alert dashboard_urls resolve). Run by
 * checkBundle in every build; errors fail the build.
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import type { AlertRule, DashboardFile } from '../core/model.ts';
import { parsePromQL, selectors, type Selector } from '../core/promql.ts';
import { documentedType, problemId, typeCheck } from '../promql/index.ts';
import { metricLabels, requiresLabel, type KnownLabels } from '../scrape/labels.ts';
import type { Bundle } from '../stack/bundle.ts';
import { GRID_COLUMNS, overlaps, type GridPos } from './finalize.ts';
import { DASHBOARD_UID_RE, FOLDER_RE } from './user.ts';

type Json = Record<string, unknown>;

/** Lowest schemaVersion accepted: below it Grafana runs migrations on every load. */
export const MIN_SCHEMA_VERSION = 36;

/** Functions whose range should be `$__rate_interval` in range queries. */
const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv']);

const PANEL_TYPES = new Set([
  'row', 'timeseries', 'stat', 'gauge', 'bargauge', 'table', 'text', 'heatmap', 'histogram', 'piechart', 'state-timeline',
  'status-history', 'barchart', 'xychart', 'trend', 'logs', 'alertlist', 'dashlist', 'news', 'nodeGraph', 'geomap',
  'canvas', 'candlestick', 'flamegraph', 'traces', 'annolist', 'datagrid',
]);
/** Panels that show no query results, so need no unit, thresholds or targets. */
const NO_QUERY_PANELS = new Set(['row', 'text', 'alertlist', 'dashlist', 'news', 'annolist']);

/** Grafana unit ids obsgen's panels use (and the common rest); others give a warning. */
export const KNOWN_UNITS = new Set([
  'none', 'short', 'percent', 'percentunit', 'humidity', 'dB', 'hex', 'hex0x', 'sci', 'locale', 'pixel',
  'ns', 'µs', 'ms', 's', 'm', 'h', 'd', 'dtdurationms', 'dtdurations', 'dthms', 'dtdhms', 'timeticks', 'clockms', 'clocks',
  'bytes', 'decbytes', 'bits', 'decbits', 'kbytes', 'deckbytes', 'mbytes', 'decmbytes', 'gbytes', 'decgbytes', 'tbytes', 'pbytes',
  'Bps', 'binBps', 'bps', 'binbps', 'KBs', 'Kbits', 'MBs', 'Mbits', 'GBs', 'Gbits', 'pps',
  'ops', 'reqps', 'rps', 'wps', 'iops', 'opm', 'rpm', 'wpm', 'cps', 'eps', 'mps', 'recps', 'rowsps', 'hertz', 'rothz',
  'bool', 'bool_yes_no', 'bool_on_off', 'celsius', 'fahrenheit', 'kelvin', 'watt', 'kwatt', 'watth', 'kwatth', 'joule', 'volt', 'amp', 'currencyUSD', 'currencyEUR',
  'conms', 'conmin', 'conmbps', 'massg', 'masskg', 'lengthm', 'velocityms', 'accMS2', 'flowlpm',
]);

const BUILTIN_DURATIONS: Record<string, string> = {
  __rate_interval: '7771s',
  __interval: '7772s',
  __range: '7773s',
  __auto: '7774s',
};
const BUILTIN_NUMBERS = new Set(['__interval_ms', '__range_s', '__range_ms', '__from', '__to']);
const RATE_INTERVAL_SENTINEL = BUILTIN_DURATIONS.__rate_interval!;
const USER_DURATION_SENTINEL = '7779s';

const VAR_REF_RE = /\$\{(\w+)(?::[\w]+)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]/g;

/** Names of the Grafana variables a text refers to (`$x`, `${x}`, `${x:fmt}`, `[[x]]`). */
export function variableRefs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VAR_REF_RE)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/**
 * Replaces Grafana variables so the text parses as PromQL: interval variables become
 * sentinel durations (so rate windows can be recognised), numbers stay numbers, and
 * user variables become `x` (inside label values) or a duration (inside `[...]`).
 */
export function substituteVariables(expr: string): string {
  return expr.replace(VAR_REF_RE, (whole, a: string | undefined, b: string | undefined, c: string | undefined, offset: number) => {
    const name = (a ?? b ?? c)!;
    if (name in BUILTIN_DURATIONS) return BUILTIN_DURATIONS[name]!;
    if (BUILTIN_NUMBERS.has(name)) return '1';
    const before = expr.slice(0, offset).replace(/\s+$/, '');
    if (before.endsWith('[') || /\[[^\]]*:$/.test(before)) return USER_DURATION_SENTINEL;
    void whole;
    return 'x';
  });
}

/** Whether a variable stands outside a label value and a range (`topk($n, ...)`, `$metric{...}`): then it may be a number or a name. */
function variablesOutsideLabels(expr: string): boolean {
  const blanked = expr.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/g, '""').replace(/\[[^\]]*\]/g, '[]');
  return variableRefs(blanked).some((name) => !BUILTIN_NUMBERS.has(name) && !(name in BUILTIN_DURATIONS));
}

interface Ctx {
  bundle: Bundle;
  diag: Diagnostics;
  recorded: Set<string>;
  /** Labels a selected metric can carry, where the stack knows them. */
  labelsOf: (sel: Selector) => KnownLabels | undefined;
  uids: Set<string>;
  tagsByUid: Map<string, Set<string>>;
}

interface DashCtx {
  d: DashboardFile;
  variables: Map<string, Json>;
  used: Set<string>;
  err(code: string, message: string, extra?: { value?: unknown; hint?: string }): void;
  warn(code: string, message: string, extra?: { value?: unknown; hint?: string }): void;
  /** An obsgen convention: an error, a warning on a raw dashboard. */
  conv(code: string, message: string, extra?: { value?: unknown; hint?: string }): void;
}

function provisionedUids(bundle: Bundle): Map<string, string> {
  return new Map([
    [bundle.grafana.datasourceUid, 'prometheus'],
    ['alertmanager', 'alertmanager'],
  ]);
}

function checkDatasource(ref: unknown, where: string, c: Ctx, dc: DashCtx): void {
  const hint = `reference the provisioned datasource as { type: 'prometheus', uid: '${c.bundle.grafana.datasourceUid}' } or the $datasource variable as { type: 'prometheus', uid: '\${datasource}' }`;
  if (ref === undefined || ref === null) {
    dc.err('datasource-missing', `${where} has no datasource`, { hint });
    return;
  }
  if (typeof ref === 'string') {
    if (/\$\{?DS_/.test(ref)) dc.err('datasource-input', `${where} uses the export placeholder ${ref}, which file provisioning never fills in`, { value: ref, hint });
    else dc.err('datasource-string', `${where} names its datasource by a string`, { value: ref, hint });
    return;
  }
  const r = ref as { type?: unknown; uid?: unknown };
  if (typeof r.uid !== 'string' || typeof r.type !== 'string') {
    dc.err('datasource-ref', `${where} datasource is not {type, uid}`, { value: ref, hint });
    return;
  }
  if (/\$\{?DS_/.test(r.uid)) {
    dc.err('datasource-input', `${where} uses the export placeholder ${r.uid}, which file provisioning never fills in`, { value: r.uid, hint });
    return;
  }
  const vars = variableRefs(r.uid);
  if (vars.length) {
    for (const name of vars) {
      dc.used.add(name);
      const v = dc.variables.get(name);
      if (!v) dc.err('undefined-variable', `${where} uses datasource variable $${name}, which the dashboard does not define`, { value: r.uid, hint: 'add the datasource variable (dashboardBuilder adds $datasource)' });
      else if (v.type !== 'datasource') dc.err('datasource-variable', `${where} uses $${name} as a datasource but it is a ${String(v.type)} variable`, { value: r.uid, hint });
      else if (v.query !== r.type) dc.err('datasource-variable', `${where} is a ${r.type} query but $${name} lists ${String(v.query)} datasources`, { value: r.uid, hint });
    }
    return;
  }
  if (r.type === 'grafana' || r.type === 'datasource') return; // Grafana's built-in annotations and mixed queries
  const type = provisionedUids(c.bundle).get(r.uid);
  if (!type) dc.err('datasource-unknown', `${where} uses datasource uid ${JSON.stringify(r.uid)}, which the bundle does not provision`, { value: r.uid, hint });
  else if (type !== r.type) dc.err('datasource-type', `${where} says the datasource ${r.uid} is ${r.type}, but it is ${type}`, { value: r.type, hint });
}

/** Checks one PromQL text of a dashboard: parses, variables defined, rate windows, recording rules. */
function checkQuery(expr: string, where: string, rangeQuery: boolean, c: Ctx, dc: DashCtx): void {
  for (const name of variableRefs(expr)) {
    // `$1` is a label_replace() replacement, which Grafana leaves alone (no variable has a numeric name).
    if (name.startsWith('__') || /^\d+$/.test(name)) continue;
    dc.used.add(name);
    if (!dc.variables.has(name)) {
      dc.err('undefined-variable', `${where} uses $${name}, which the dashboard does not define`, {
        value: expr,
        hint: name === 'job' || name === 'instance' ? `add the ${name} variable (variables: ['${name}'] or jobVariable()/instanceVariable())` : `add a variable named ${name} or remove the reference`,
      });
    }
  }
  const text = substituteVariables(expr);
  // A variable standing for a number or a metric name became `x` (a selector): its type is a guess, so only syntax counts then.
  const checked = typeCheck(text);
  const types = !variablesOutsideLabels(expr);
  const range = rangeQuery && checked.type !== undefined && checked.type !== 'vector' && checked.type !== 'scalar';
  const problems = checked.errors.filter((e) => e.kind === 'syntax' || types);
  if (problems.length || (range && types)) {
    const e = problems[0];
    if (e) dc.err(problemId(e), `${where}: ${e.message} at position ${e.from} (after substituting Grafana variables)`, { value: expr, hint: e.hint ?? 'fix the PromQL' });
    else {
      dc.err('promql/type', `${where}: a range query must be an instant vector or a scalar, got ${documentedType(checked.type!)}: Prometheus answers "invalid expression type for range query"`, {
        value: expr,
        hint: 'apply a function such as rate() to the range, or make the target an instant query (instant: true)',
      });
    }
    if (checked.errors.some((x) => x.kind === 'syntax')) return;
  }
  const parsed = parsePromQL(text);
  for (const s of selectors(parsed)) {
    checkSelectorLabels(s, expr, where, c, dc);
    if (s.metric?.includes(':') && !c.recorded.has(s.metric)) {
      dc.conv('unknown-recording-rule', `${where} reads ${s.metric}, which no recording rule of the bundle records`, {
        value: s.metric,
        hint: `recorded here: ${[...c.recorded].sort().join(', ') || 'none'}; add the recording rule or query the raw metric`,
      });
    }
    if (rangeQuery && s.fn && RATE_FUNCTIONS.has(s.fn) && s.range !== undefined && s.range !== RATE_INTERVAL_SENTINEL) {
      const builtin = Object.entries(BUILTIN_DURATIONS).find(([, v]) => v === s.range)?.[0];
      const shown = builtin ? `$${builtin}` : s.range === USER_DURATION_SENTINEL ? 'a variable' : s.range;
      dc.conv('rate-interval', `${where}: ${s.fn}() over [${shown}]; range queries should use [$__rate_interval]`, {
        value: expr,
        hint: '$__rate_interval is at least four scrape intervals and follows the zoom; fixed windows belong in instant stats',
      });
    }
  }
}

/**
 * A matcher on a label the selected metric cannot carry selects nothing: `status="429"` on a
 * counter whose status code is in `code`. Judged only where the labels are known (declared by
 * the service, listed by the catalog for the job's exporter, or produced by recording rules);
 * matchers a missing label satisfies (`!=`, `=~".*"`) are left alone.
 */
function checkSelectorLabels(s: Selector, expr: string, where: string, c: Ctx, dc: DashCtx): void {
  const missing = s.matchers.filter((m) => m.name !== '__name__' && requiresLabel(m));
  if (!s.metric || !missing.length) return;
  const known = c.labelsOf(s);
  if (!known) return;
  for (const m of missing) {
    if (known.labels.has(m.name) || (!known.complete && !known.absent.has(m.name))) continue;
    const has = [...known.labels].sort().join(', ');
    const report = known.declared && known.absent.has(m.name) ? dc.err : dc.warn;
    report('absent-label', `${where} matches ${m.name}${m.op}${JSON.stringify(m.value)} on ${s.metric}, which never carries ${m.name}: the query is always empty`, {
      value: expr,
      hint: `${s.metric} carries ${has}${known.complete ? '' : ' (and labels not declared)'}, per ${known.from.join(', ')}; match on one of those`,
    });
  }
}

/** Inner PromQL of a query variable: label_values(sel, label), query_result(expr), ... */
function variableQueryExpr(query: string): string | undefined {
  const q = query.trim();
  let m = /^label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$/s.exec(q);
  if (m) return m[1];
  if (/^label_values\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$/.test(q) || /^label_names\(.*\)$/.test(q) || /^metrics\(.*\)$/.test(q)) return undefined;
  m = /^query_result\((.*)\)$/s.exec(q);
  if (m) return m[1];
  return q;
}

const dashboardUrlRe = (grafanaUrl: string) => new RegExp(`^(?:${grafanaUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})?/d/([^/?#]+)(?:/[^?#]*)?(?:\\?(.*))?$`);

function checkLink(url: unknown, where: string, c: Ctx, dc: DashCtx): void {
  if (typeof url !== 'string') return;
  const m = dashboardUrlRe(c.bundle.links.grafanaUrl).exec(url);
  if (!m) return;
  if (!c.uids.has(m[1]!)) dc.err('broken-link', `${where} links to dashboard ${m[1]}, which the bundle does not have`, { value: url, hint: `link to one of: ${[...c.uids].sort().join(', ')}` });
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function checkPanels(panels: Json[], prefix: string, c: Ctx, dc: DashCtx, ids: Map<number, string>): void {
  const boxes: { box: GridPos; at: string }[] = [];
  panels.forEach((p, i) => {
    const at = `${prefix}[${i}]`;
    const title = typeof p.title === 'string' ? p.title : '';
    const where = `panel ${at} ${JSON.stringify(title)}`;
    const type = typeof p.type === 'string' ? p.type : '';
    if (!type) dc.err('panel-type', `${where} has no type`, { hint: 'set type (timeseries, stat, table, ...)' });
    else if (!PANEL_TYPES.has(type)) dc.warn('panel-type', `${where} has type ${type}, which is not a core panel plugin`, { value: type, hint: 'install the plugin in Grafana, or use a core panel' });
    if (typeof p.id !== 'number' || !Number.isInteger(p.id) || p.id < 1) dc.err('panel-id', `${where} has no positive integer id`, { value: p.id, hint: 'run the model through finalizeDashboard, which numbers panels 1..n' });
    else if (ids.has(p.id)) dc.err('duplicate-panel-id', `${where} has id ${p.id}, which ${ids.get(p.id)} also has`, { value: p.id, hint: 'panel ids must be unique in a dashboard, rows and collapsed rows included' });
    else ids.set(p.id, where);
    const g = p.gridPos as Json | undefined;
    if (!g || typeof g !== 'object') dc.err('grid', `${where} has no gridPos`, { hint: 'give every panel {x, y, w, h}' });
    else {
      const box = { x: numberOr(g.x, -1), y: numberOr(g.y, -1), w: numberOr(g.w, 0), h: numberOr(g.h, 0) };
      if (![box.x, box.y, box.w, box.h].every(Number.isInteger) || box.x < 0 || box.y < 0 || box.w < 1 || box.h < 1) {
        dc.err('grid', `${where} has an invalid gridPos`, { value: g, hint: 'x, y >= 0 and w, h >= 1, all integers' });
      } else if (box.x + box.w > GRID_COLUMNS) {
        dc.err('grid', `${where} runs past the ${GRID_COLUMNS}-column grid (x ${box.x} + w ${box.w})`, { value: g, hint: `make x + w <= ${GRID_COLUMNS}` });
      } else {
        const hit = boxes.find((b) => overlaps(b.box, box));
        if (hit) dc.err('grid-overlap', `${where} overlaps panel ${hit.at}`, { value: g, hint: 'move or resize one of them; Grafana would push one down' });
        boxes.push({ box, at });
      }
    }
    for (const [k, l] of ((p.links as Json[] | undefined) ?? []).entries()) checkLink(l.url, `${where} link ${k}`, c, dc);
    const targets = (p.targets as Json[] | undefined) ?? [];
    if (type === 'row') {
      const children = (p.panels as Json[] | undefined) ?? [];
      if (children.length && p.collapsed !== true) dc.err('row-panels', `${where} is an expanded row with nested panels, which Grafana drops`, { hint: 'collapse the row, or put the panels after it at the top level' });
      checkPanels(children, `${at}.panels`, c, dc, ids);
      return;
    }
    if (NO_QUERY_PANELS.has(type)) return;
    const defaults = ((p.fieldConfig as Json | undefined)?.defaults ?? {}) as Json;
    if (typeof defaults.unit !== 'string' || defaults.unit === '') dc.conv('missing-unit', `${where} has no unit`, { hint: 'set unit (short, percentunit, s, bytes, reqps, ...)' });
    else if (!KNOWN_UNITS.has(defaults.unit) && !defaults.unit.startsWith('suffix:') && !defaults.unit.startsWith('prefix:')) {
      dc.warn('unknown-unit', `${where} has unit ${JSON.stringify(defaults.unit)}, which is not a Grafana unit obsgen knows`, { value: defaults.unit, hint: 'check the spelling (Grafana shows unknown units as plain numbers), or use suffix:<text>' });
    }
    const th = defaults.thresholds as { mode?: unknown; steps?: { value: unknown; color?: unknown }[] } | undefined;
    if (!th || !Array.isArray(th.steps) || th.steps.length === 0) dc.conv('missing-thresholds', `${where} has no thresholds`, { hint: 'set thresholds with a base step { value: null, color }' });
    else {
      if (th.mode !== 'absolute' && th.mode !== 'percentage') dc.conv('missing-thresholds', `${where} thresholds have no mode`, { value: th.mode, hint: "mode is 'absolute' or 'percentage'" });
      if (th.steps[0]!.value !== null) dc.conv('missing-thresholds', `${where} thresholds have no base step`, { value: th.steps[0], hint: 'the first step has value null (the base color)' });
      for (let k = 1; k < th.steps.length; k++) {
        const prev = th.steps[k - 1]!.value;
        const cur = th.steps[k]!.value;
        if (typeof cur !== 'number' || (typeof prev === 'number' && cur <= prev)) dc.conv('thresholds-order', `${where} threshold steps are not increasing numbers`, { value: th.steps.map((s) => s.value), hint: 'order steps by value, lowest first' });
      }
    }
    if (!targets.length) dc.err('no-queries', `${where} has no queries`, { hint: 'add a query, or use a text panel' });
    checkDatasource(p.datasource, where, c, dc);
    const refIds = new Set<string>();
    targets.forEach((t, k) => {
      const tw = `${where} target ${k}`;
      if (typeof t.refId !== 'string' || t.refId === '') dc.err('missing-refid', `${tw} has no refId`, { hint: 'give each target a refId (A, B, ...); finalizeDashboard does' });
      else if (refIds.has(t.refId)) dc.err('duplicate-refid', `${tw} repeats refId ${t.refId}`, { value: t.refId, hint: 'refIds are unique within a panel' });
      else refIds.add(t.refId);
      if (t.datasource !== undefined) checkDatasource(t.datasource, tw, c, dc);
      const dsType = (t.datasource as Json | undefined)?.type ?? (p.datasource as Json | undefined)?.type;
      if (dsType !== 'prometheus') return;
      if (typeof t.expr !== 'string' || !t.expr.trim()) dc.err('empty-query', `${tw} has no expr`, { hint: 'give the query a PromQL expression' });
      else checkQuery(t.expr, tw, t.instant !== true, c, dc);
    });
  });
}

function checkDashboard(d: DashboardFile, c: Ctx): void {
  const m = d.model;
  const diag = c.diag;
  const dc: DashCtx = {
    d,
    variables: new Map(),
    used: new Set(),
    err: (code, message, extra = {}) => diag.error(d.source, code, `dashboard ${d.uid}: ${message}`, extra),
    warn: (code, message, extra = {}) => diag.warn(d.source, code, `dashboard ${d.uid}: ${message}`, extra),
    // An imported dashboard worked as it is; obsgen's conventions (units, thresholds, $__rate_interval, recorded series) are advice there.
    conv: (code, message, extra = {}) => (d.imported ? diag.warn : diag.error).call(diag, d.source, code, `dashboard ${d.uid}: ${message}`, extra),
  };
  if ('elements' in m || 'layout' in m || 'spec' in m || 'apiVersion' in m) {
    dc.err('not-classic', 'is not classic (v1) dashboard JSON; classic file provisioning rejects v2 models', { hint: 'build with dashboard.DashboardBuilder (v1), not dashboardv2' });
    return;
  }
  if ('__inputs' in m || '__requires' in m) dc.err('datasource-input', 'is an "export for sharing" model with __inputs, which provisioning does not fill in', { hint: 'remove __inputs/__requires and reference the provisioned datasource' });
  if (m.uid !== d.uid) dc.err('uid-mismatch', `the model's uid ${JSON.stringify(m.uid)} differs from the file's uid`, { value: m.uid, hint: 'set the same uid on both' });
  if (typeof m.title !== 'string' || !m.title.trim()) dc.err('dashboard-title', 'has no title', { hint: 'give the dashboard a title' });
  if (typeof m.schemaVersion !== 'number' || !Number.isInteger(m.schemaVersion) || m.schemaVersion < MIN_SCHEMA_VERSION) {
    dc.conv('schema-version', `schemaVersion must be an integer >= ${MIN_SCHEMA_VERSION}`, { value: m.schemaVersion, hint: 'without it Grafana runs every migration on load; the foundation SDK sets 42' });
  }
  if (m.id !== undefined && m.id !== null) dc.err('dashboard-id', 'has a numeric id; provisioned dashboards are matched by uid', { value: m.id, hint: 'remove id (or set it to null)' });
  if (!FOLDER_RE.test(d.folder) || d.folder.toLowerCase() === 'general') {
    dc.err('folder', `folder ${JSON.stringify(d.folder)} is not a valid folder name`, { value: d.folder, hint: 'one folder level of letters, digits, space . _ -, not "General" (Grafana\'s root)' });
  }
  const list = (((m.templating as Json | undefined)?.list as Json[] | undefined) ?? []);
  for (const v of list) {
    const name = v.name;
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) dc.err('variable-name', `variable ${JSON.stringify(name)} has an invalid name`, { value: name });
    else if (dc.variables.has(name)) dc.err('duplicate-variable', `variable ${name} is defined twice`, { value: name });
    else dc.variables.set(name, v);
  }
  for (const v of list) {
    const where = `variable ${String(v.name)}`;
    if (v.type === 'datasource') {
      if (typeof v.query !== 'string' || !v.query) dc.err('datasource-variable', `${where} has no datasource type (query)`, { hint: "set query: 'prometheus'" });
      const cur = (v.current as Json | undefined)?.value;
      if (cur !== undefined && cur !== c.bundle.grafana.datasourceUid && cur !== c.bundle.grafana.datasourceName) {
        dc.err('datasource-unknown', `${where} defaults to ${JSON.stringify(cur)}, which the bundle does not provision`, { value: cur, hint: `default it to ${c.bundle.grafana.datasourceUid}` });
      }
    } else if (v.type === 'query') {
      checkDatasource(v.datasource, where, c, dc);
      const q = typeof v.query === 'string' ? v.query : typeof (v.query as Json | undefined)?.query === 'string' ? ((v.query as Json).query as string) : undefined;
      if (!q) dc.err('variable-query', `${where} has no query`, { hint: 'e.g. label_values(up, job)' });
      // A variable over another datasource (Loki's label_values) is not PromQL.
      else if (typeof (v.datasource as Json | undefined)?.type !== 'string' || (v.datasource as Json).type === 'prometheus') {
        const inner = variableQueryExpr(q);
        if (inner !== undefined) checkQuery(inner, where, false, c, dc);
      }
    }
  }
  if (!Array.isArray(m.panels)) dc.err('no-panels', 'has no panels array', { hint: 'add panels' });
  else checkPanels(m.panels as Json[], 'panels', c, dc, new Map());
  for (const [k, l] of (((m.links as Json[] | undefined) ?? []).entries())) {
    if (l.type === 'link') checkLink(l.url, `link ${k} ${JSON.stringify(l.title)}`, c, dc);
    else if (l.type === 'dashboards') {
      const tags = (l.tags as string[] | undefined) ?? [];
      const hit = [...c.tagsByUid].some(([uid, t]) => uid !== d.uid && tags.every((x) => t.has(x)));
      if (!hit) dc.warn('link-tags', `link ${k} lists dashboards tagged ${tags.join(', ')}, and no other dashboard has those tags`, { value: tags });
    }
  }
  for (const [name, v] of dc.variables) {
    if (v.type === 'query' && !dc.used.has(name)) dc.warn('unused-variable', `variable ${name} is not used by any query`, { value: name, hint: 'remove it, or filter the queries by it' });
  }
}

function checkAlertLinks(c: Ctx, byUid: Map<string, DashboardFile>): void {
  const re = dashboardUrlRe(c.bundle.links.grafanaUrl);
  for (const g of c.bundle.ruleGroups) {
    for (const r of g.rules) {
      if (r.kind !== 'alert') continue;
      const url = (r as AlertRule).annotations.dashboard_url;
      if (!url) continue;
      const m = re.exec(url);
      if (!m) continue;
      // A uid written from the alert's labels (`<stack>-slo-{{ $labels.service }}-{{ $labels.slo }}`,
      // the shared SLO rules): some dashboard must have a uid of that shape, and each such must have the panel.
      const shaped = m[1]!.includes('{{') ? templatedUids(m[1]!, byUid) : undefined;
      const d = shaped ? shaped[0] : byUid.get(m[1]!);
      if (!d) {
        c.diag.error(r.source, 'broken-dashboard-url', `alert ${r.name} links to dashboard ${m[1]}, which the bundle does not have`, {
          value: url,
          hint: 'keep the dashboard (it may be dropped in dropDashboards) or link the alert elsewhere',
          wholeStack: true,
        });
        continue;
      }
      const panel = new URLSearchParams(m[2] ?? '').get('viewPanel');
      if (panel === null) continue;
      for (const x of shaped ?? [d]) {
        const ids = new Set<number>();
        const visit = (ps: Json[]) => ps.forEach((p) => (typeof p.id === 'number' && ids.add(p.id), visit((p.panels as Json[] | undefined) ?? [])));
        visit((x.model.panels as Json[] | undefined) ?? []);
        if (ids.has(Number(panel))) continue;
        c.diag.error(r.source, 'broken-dashboard-url', `alert ${r.name} links to panel ${panel} of dashboard ${x.uid}, which has no such panel`, {
          value: url,
          hint: 'a replaced dashboard must keep the panel the alert shows, or drop the replacement',
        });
      }
    }
  }
}

/** The dashboards whose uid fits a uid with template actions (`{{ ... }}` read as any text). */
function templatedUids(uid: string, byUid: Map<string, DashboardFile>): DashboardFile[] {
  const re = new RegExp(`^${uid.split(/\{\{.*?\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
  return [...byUid].filter(([u]) => re.test(u)).map(([, d]) => d);
}

/** Every dashboard check over a bundle; errors and warnings go to diag. */
export function checkDashboards(bundle: Bundle, diag: Diagnostics): void {
  const recorded = new Set(bundle.ruleGroups.flatMap((g) => g.rules.filter((r) => r.kind === 'record').map((r) => r.name)));
  const c: Ctx = { bundle, diag, recorded, labelsOf: metricLabels(bundle), uids: new Set(bundle.dashboards.map((d) => d.uid)), tagsByUid: new Map() };
  for (const d of bundle.dashboards) c.tagsByUid.set(d.uid, new Set(((d.model.tags as string[] | undefined) ?? []).filter((t) => typeof t === 'string')));
  const byUid = new Map<string, DashboardFile>();
  const titles = new Map<string, string>();
  for (const d of bundle.dashboards) {
    if (!DASHBOARD_UID_RE.test(d.uid)) {
      diag.error(d.source, 'dashboard-uid', `dashboard uid ${JSON.stringify(d.uid)} is not valid`, { value: d.uid, hint: 'uids are 1-40 characters of A-Z a-z 0-9 _ -' });
    }
    const prev = byUid.get(d.uid);
    if (prev) {
      diag.error(d.source, 'duplicate-dashboard', `dashboard uid ${d.uid} is also used at ${prev.source || 'the stack'}`, { value: d.uid, hint: 'give each dashboard a unique uid' });
      continue;
    }
    byUid.set(d.uid, d);
    const key = `${d.folder}\u0000${String(d.model.title)}`;
    const twin = titles.get(key);
    if (twin) diag.error(d.source, 'duplicate-title', `dashboard ${d.uid} has the title ${JSON.stringify(d.model.title)} of ${twin} in folder ${d.folder}`, { value: d.model.title, hint: 'Grafana rejects two dashboards with one title in a folder; rename one' });
    else titles.set(key, d.uid);
    checkDashboard(d, c);
  }
  checkAlertLinks(c, byUid);
}
