/**
 * A dashboard as a static HTML page: panels placed as on Grafana's grid (24 columns,
 * 30 px rows, 8 px gaps), time series drawn as inline SVG lines, stats and gauges as
 * values colored by their thresholds, tables as HTML tables, text as simple Markdown.
 */
import { legendName, type QueryResult, type Series } from './query.ts';

type Json = Record<string, any>;

export const PAGE_WIDTH = 1600;
const PAD = 16;
const CELL_H = 30;
const GAP = 8;
const COL_W = (PAGE_WIDTH - 2 * PAD + GAP) / 24;
const HEADER_H = 64;

const PALETTE = ['#73BF69', '#F2CC0C', '#8AB8FF', '#FF780A', '#F2495C', '#5794F2', '#B877D9', '#FF9830', '#96D98D', '#CA95E5'];
const NAMED: Record<string, string> = {
  green: '#73BF69',
  red: '#F2495C',
  orange: '#FF9830',
  yellow: '#FADE2A',
  blue: '#5794F2',
  purple: '#B877D9',
  'dark-red': '#C4162A',
  'dark-green': '#37872D',
  text: '#CCCCDC',
};

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function color(name: unknown): string {
  return typeof name === 'string' ? (NAMED[name] ?? (/^#[0-9a-fA-F]{3,8}$/.test(name) ? name : '#CCCCDC')) : '#CCCCDC';
}

function trimNum(n: number, decimals?: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (decimals !== undefined) return n.toFixed(decimals);
  const abs = Math.abs(n);
  const d = abs === 0 ? 0 : abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(n.toFixed(d)));
}

function si(n: number, decimals?: number, base = 1000, units = ['', ' k', ' M', ' G', ' T', ' P']): string {
  let i = 0;
  let v = n;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${trimNum(v, decimals)}${units[i]}`;
}

/** A value with its Grafana unit, close to what Grafana shows. */
export function formatValue(v: number, unit?: string, decimals?: number): string {
  if (Number.isNaN(v)) return 'NaN';
  switch (unit) {
    case 'percentunit':
      return `${trimNum(v * 100, decimals)}%`;
    case 'percent':
      return `${trimNum(v, decimals)}%`;
    case 's':
    case 'ms': {
      const s = unit === 'ms' ? v / 1000 : v;
      const a = Math.abs(s);
      if (a === 0) return '0 s';
      if (a < 1e-3) return `${trimNum(s * 1e6, decimals)} µs`;
      if (a < 1) return `${trimNum(s * 1000, decimals)} ms`;
      if (a < 60) return `${trimNum(s, decimals)} s`;
      if (a < 3600) return `${trimNum(s / 60, decimals)} min`;
      if (a < 86400) return `${trimNum(s / 3600, decimals)} hour`;
      return `${trimNum(s / 86400, decimals)} day`;
    }
    case 'bytes':
      return `${si(v, decimals, 1024, [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB'])}`;
    case 'decbytes':
      return `${si(v, decimals, 1000, [' B', ' kB', ' MB', ' GB', ' TB', ' PB'])}`;
    case 'reqps':
      return `${si(v, decimals)} req/s`;
    case 'ops':
      return `${si(v, decimals)} ops/s`;
    case 'bps':
      return `${si(v, decimals, 1000, [' b/s', ' kb/s', ' Mb/s', ' Gb/s', ' Tb/s', ' Pb/s'])}`;
    case 'Bps':
      return `${si(v, decimals, 1000, [' B/s', ' kB/s', ' MB/s', ' GB/s', ' TB/s', ' PB/s'])}`;
    case 'none':
    case 'short':
    case undefined:
    case '':
      return si(v, decimals);
    default:
      if (unit.startsWith('suffix:')) return `${trimNum(v, decimals)}${unit.slice(7)}`;
      return `${trimNum(v, decimals)} ${unit}`;
  }
}

/** Color of a value by the panel's absolute thresholds. */
export function thresholdColor(v: number, panel: Json): string {
  const steps = (panel.fieldConfig?.defaults?.thresholds?.steps ?? []) as { value: number | null; color: string }[];
  let c = steps[0]?.color ?? 'text';
  for (const s of steps.slice(1)) if (s.value !== null && v >= s.value) c = s.color;
  return color(c);
}

export interface PanelData {
  /** Results by target index. */
  results: QueryResult[];
}

function box(p: Json): { left: number; top: number; width: number; height: number } {
  const g = p.gridPos ?? { x: 0, y: 0, w: 12, h: 8 };
  return {
    left: PAD + g.x * COL_W,
    top: GAP + g.y * (CELL_H + GAP),
    width: g.w * COL_W - GAP,
    height: g.h * CELL_H + (g.h - 1) * GAP,
  };
}

/** Page height in pixels for a dashboard's top-level panels. */
export function pageHeight(model: Json): number {
  let bottom = 0;
  for (const p of (model.panels ?? []) as Json[]) {
    const b = box(p);
    bottom = Math.max(bottom, b.top + b.height);
  }
  return Math.ceil(HEADER_H + bottom + PAD);
}

function named(panel: Json, data: PanelData | undefined): { name: string; series: Series }[] {
  const out: { name: string; series: Series }[] = [];
  ((panel.targets ?? []) as Json[]).forEach((t, i) => {
    for (const s of data?.results[i]?.series ?? []) out.push({ name: legendName(t.legendFormat, s.labels), series: s });
  });
  return out;
}

function errorsOf(data: PanelData | undefined): string[] {
  return (data?.results ?? []).flatMap((r) => (r.error ? [r.error] : []));
}

function timeseriesBody(panel: Json, data: PanelData | undefined, w: number, h: number): string {
  const list = named(panel, data).filter((s) => s.series.points.some(([, v]) => Number.isFinite(v)));
  if (!list.length) return '';
  const unit = panel.fieldConfig?.defaults?.unit;
  const legendRows = Math.min(3, Math.ceil(list.length / 3));
  const legendH = panel.options?.legend?.showLegend === false ? 0 : legendRows * 16 + 4;
  const axisW = 64;
  const plotW = Math.max(10, w - axisW - 8);
  const plotH = Math.max(10, h - legendH - 18);
  const all = list.flatMap((s) => s.series.points.filter(([, v]) => Number.isFinite(v)));
  const tMin = Math.min(...all.map(([t]) => t));
  const tMax = Math.max(...all.map(([t]) => t));
  let lo = panel.fieldConfig?.defaults?.min ?? Math.min(...all.map(([, v]) => v));
  let hi = panel.fieldConfig?.defaults?.max ?? Math.max(...all.map(([, v]) => v));
  if (lo > 0 && panel.fieldConfig?.defaults?.min === undefined) lo = 0;
  if (hi === lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo));
  const x = (t: number) => axisW + (tMax === tMin ? plotW / 2 : ((t - tMin) / (tMax - tMin)) * plotW);
  const y = (v: number) => 4 + plotH - ((v - lo) / (hi - lo)) * plotH;
  const parts: string[] = [`<svg width="${w}" height="${h - legendH}" xmlns="http://www.w3.org/2000/svg">`];
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${axisW}" x2="${axisW + plotW}" y1="${yy}" y2="${yy}" stroke="#2c3235" stroke-width="1"/>`);
    parts.push(`<text x="${axisW - 6}" y="${(Number(yy) + 4).toFixed(1)}" text-anchor="end" fill="#8e8e8e" font-size="11">${esc(formatValue(v, unit))}</text>`);
  }
  const fmtTime = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);
  parts.push(`<text x="${axisW}" y="${plotH + 18}" fill="#8e8e8e" font-size="11">${fmtTime(tMin)}</text>`);
  parts.push(`<text x="${axisW + plotW}" y="${plotH + 18}" text-anchor="end" fill="#8e8e8e" font-size="11">${fmtTime(tMax)}</text>`);
  for (const st of (panel.fieldConfig?.defaults?.thresholds?.steps ?? []).slice(1)) {
    if (typeof st.value === 'number' && st.value >= lo && st.value <= hi) {
      const yy = y(st.value).toFixed(1);
      parts.push(`<line x1="${axisW}" x2="${axisW + plotW}" y1="${yy}" y2="${yy}" stroke="${color(st.color)}" stroke-dasharray="6 4" stroke-width="1"/>`);
    }
  }
  list.forEach((s, i) => {
    const pts = s.series.points.filter(([, v]) => Number.isFinite(v)).map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`);
    const c = PALETTE[i % PALETTE.length];
    if (pts.length === 1) parts.push(`<circle cx="${pts[0]!.split(',')[0]}" cy="${pts[0]!.split(',')[1]}" r="2.5" fill="${c}"/>`);
    else parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
  });
  parts.push('</svg>');
  if (legendH) {
    const shown = list.slice(0, legendRows * 3);
    parts.push(
      `<div class="legend">${shown.map((s, i) => `<span><i style="background:${PALETTE[i % PALETTE.length]}"></i>${esc(s.name)}</span>`).join('')}${list.length > shown.length ? `<span>+${list.length - shown.length} more</span>` : ''}</div>`,
    );
  }
  return parts.join('');
}

function lastValue(s: Series): number | undefined {
  for (let i = s.points.length - 1; i >= 0; i--) if (Number.isFinite(s.points[i]![1])) return s.points[i]![1];
  return undefined;
}

function statBody(panel: Json, data: PanelData | undefined, w: number, h: number, gauge: boolean): string {
  const list = named(panel, data).flatMap((s) => {
    const v = lastValue(s.series);
    return v === undefined ? [] : [{ name: s.name, v }];
  });
  if (!list.length) return '';
  const d = panel.fieldConfig?.defaults ?? {};
  const shown = list.slice(0, 4);
  const size = Math.max(14, Math.min(h * 0.45, (w / shown.length) * 0.22));
  return `<div class="stats">${shown
    .map(({ name, v }) => {
      const c = thresholdColor(v, panel);
      const bar = gauge
        ? `<div class="gauge"><div style="width:${Math.max(0, Math.min(100, ((v - (d.min ?? 0)) / ((d.max ?? 100) - (d.min ?? 0) || 1)) * 100)).toFixed(1)}%;background:${c}"></div></div>`
        : '';
      return `<div class="stat"><div class="value" style="color:${c};font-size:${size.toFixed(0)}px">${esc(formatValue(v, d.unit, d.decimals))}</div>${bar}${shown.length > 1 ? `<div class="sname">${esc(name)}</div>` : ''}</div>`;
    })
    .join('')}</div>`;
}

function tableBody(panel: Json, data: PanelData | undefined): string {
  const rows = named(panel, data).flatMap((s) => {
    const v = lastValue(s.series);
    return v === undefined ? [] : [{ labels: s.series.labels, v }];
  });
  if (!rows.length) return '';
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.labels)))].filter((k) => k !== '__name__').sort();
  const unit = panel.fieldConfig?.defaults?.unit;
  return `<table><tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}<th>Value</th></tr>${rows
    .slice(0, 50)
    .map((r) => `<tr>${keys.map((k) => `<td>${esc(r.labels[k] ?? '')}</td>`).join('')}<td style="color:${thresholdColor(r.v, panel)}">${esc(formatValue(r.v, unit))}</td></tr>`)
    .join('')}</table>`;
}

/** The Markdown Grafana text panels hold, reduced to what obsgen writes: paragraphs, lists, links, bold. */
export function markdown(src: string): string {
  const inline = (s: string) =>
    esc(s)
      .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, t: string, u: string) => `<a href="${u.startsWith('javascript:') ? '#' : u}">${t}</a>`);
  const out: string[] = [];
  let list = false;
  for (const line of src.split('\n')) {
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (item) {
      if (!list) out.push('<ul>');
      list = true;
      out.push(`<li>${inline(item[1]!)}</li>`);
      continue;
    }
    if (list) out.push('</ul>');
    list = false;
    if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  if (list) out.push('</ul>');
  return out.join('');
}

function panelHtml(panel: Json, data: PanelData | undefined, hasSource: boolean): string {
  const b = box(panel);
  const style = `left:${b.left.toFixed(1)}px;top:${b.top}px;width:${b.width.toFixed(1)}px;height:${b.height}px`;
  if (panel.type === 'row') {
    const n = (panel.panels ?? []).length;
    return `<div class="row" style="${style}">${panel.collapsed ? '&#9656;' : '&#9662;'} ${esc(panel.title ?? '')}${panel.collapsed && n ? ` <span class="muted">(${n} panel${n === 1 ? '' : 's'})</span>` : ''}</div>`;
  }
  const innerW = b.width - 16;
  const innerH = b.height - 36;
  let body = '';
  if (panel.type === 'text') body = `<div class="text">${markdown(String(panel.options?.content ?? ''))}</div>`;
  else if (!hasSource) body = '<div class="nodata">no Prometheus URL given</div>';
  else {
    if (panel.type === 'timeseries') body = timeseriesBody(panel, data, innerW, innerH);
    else if (panel.type === 'stat') body = statBody(panel, data, innerW, innerH, false);
    else if (panel.type === 'gauge' || panel.type === 'bargauge') body = statBody(panel, data, innerW, innerH, true);
    else if (panel.type === 'table') body = tableBody(panel, data);
    else body = `<div class="nodata">${esc(panel.type)} panels are not drawn in previews</div>`;
    const errs = errorsOf(data);
    if (errs.length) body += `<div class="error">${esc(errs[0])}</div>`;
    else if (!body) body = '<div class="nodata">No data</div>';
  }
  return `<div class="panel" data-panel-id="${esc(panel.id)}" data-type="${esc(panel.type)}" style="${style}"><div class="title">${esc(panel.title ?? '')}</div><div class="body">${body}</div></div>`;
}

export interface RenderProps {
  model: Json;
  stack: string;
  folder: string;
  /** Panel data by panel id. */
  data: Map<number, PanelData>;
  /** Where the data came from, or undefined when no Prometheus was given. */
  source?: string;
  /** Shown in the header, e.g. `last 6h until 2026-01-01 10:00 UTC`. */
  rangeText?: string;
  /** Links to the other previews, by uid. */
  siblings?: { uid: string; title: string }[];
}

const CSS = `*{box-sizing:border-box}body{margin:0;background:#111217;color:#ccccdc;font:13px/1.35 Inter,Helvetica,Arial,sans-serif}
header{height:${HEADER_H}px;padding:10px ${PAD}px;border-bottom:1px solid #2c3235}header h1{margin:0;font-size:18px;font-weight:500;color:#fff}
header .meta{color:#8e8e8e;font-size:12px;margin-top:4px}header a{color:#6e9fff;margin-right:10px}
.grid{position:relative;width:${PAGE_WIDTH}px}.panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;overflow:hidden}
.panel .title{height:28px;padding:6px 8px;font-weight:500;color:#fff;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.panel .body{position:absolute;top:28px;left:8px;right:8px;bottom:8px;overflow:hidden}
.row{position:absolute;font-size:15px;font-weight:500;color:#fff;padding-top:6px}.muted{color:#8e8e8e;font-size:12px}
.nodata{color:#8e8e8e;display:flex;align-items:center;justify-content:center;height:100%}.error{color:#F2495C;font-size:12px}
.stats{display:flex;height:100%;gap:8px}.stat{flex:1;display:flex;flex-direction:column;align-items:center;justify-content:center;min-width:0}
.value{font-weight:500;white-space:nowrap}.sname{color:#8e8e8e;font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:100%}
.gauge{width:80%;height:8px;background:#2c3235;border-radius:4px;margin-top:6px}.gauge div{height:8px;border-radius:4px}
.legend{font-size:11px;display:flex;flex-wrap:wrap;gap:2px 12px}.legend span{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:32%}
.legend i{display:inline-block;width:10px;height:3px;margin:0 5px 3px 0;vertical-align:middle}
table{border-collapse:collapse;width:100%;font-size:12px}th{text-align:left;color:#6e9fff;border-bottom:1px solid #2c3235;padding:3px 6px}td{border-bottom:1px solid #22252b;padding:3px 6px}
.text a{color:#6e9fff}.text ul{margin:0;padding-left:18px}.text p{margin:0 0 6px}`;

export function renderDashboardHtml(p: RenderProps): string {
  const m = p.model;
  const panels = (m.panels ?? []) as Json[];
  const height = pageHeight(m);
  const links = (p.siblings ?? []).map((s) => `<a href="${esc(s.uid)}.html">${esc(s.title)}</a>`).join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(m.title)}</title><style>${CSS}</style></head>
<body style="width:${PAGE_WIDTH}px;min-height:${height}px">
<header><h1>${esc(m.title)}</h1><div class="meta">uid ${esc(m.uid)} &middot; folder ${esc(p.folder)} &middot; stack ${esc(p.stack)} &middot; ${p.source ? `data from ${esc(p.source)}` : 'no data source'}${p.rangeText ? ` &middot; ${esc(p.rangeText)}` : ''} &middot; obsgen preview${links ? ` &middot; ${links}` : ''}</div></header>
<div class="grid">
${panels.map((panel) => panelHtml(panel, p.data.get(panel.id), p.source !== undefined)).join('\n')}
</div>
</body></html>
`;
}
