/**
 * obsgen preview: every dashboard of a built bundle as a static HTML page, its queries
 * evaluated against a Prometheus URL, and (with headless Chromium) a PNG of each page.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { durationMs } from '../../core/duration.ts';
import { prometheusConfigFiles } from '../../emit/prometheus.ts';
import { findChromium, screenshot } from './chromium.ts';
import { pngStats, type PngStats } from './png.ts';
import { interpolate, relativeRangeSeconds, runQuery, type QueryResult, type TimeRange, type VariableValues } from './query.ts';
import { esc, PAGE_WIDTH, pageHeight, renderDashboardHtml, type PanelData } from './render.ts';

type Json = Record<string, any>;

export interface PreviewOptions {
  /** The built bundle, out/<stack>/. */
  bundleDir: string;
  /** Where the pages and PNGs go. @default <bundleDir>/preview */
  dest?: string;
  /** Prometheus base URL; without it panels say no data source was given. */
  prometheusUrl?: string;
  /** Time range to show, e.g. `1h`. @default each dashboard's own (now-6h) */
  range?: string;
  /** End of the range, unix seconds. @default now */
  end?: number;
  /** Scrape interval for $__rate_interval. @default the bundle's global scrape_interval */
  scrapeInterval?: string;
  /** Only these dashboard uids. @default all */
  uids?: string[];
  /** Take PNG screenshots with Chromium. @default true when Chromium is installed */
  png?: boolean;
}

export interface PreviewPage {
  uid: string;
  title: string;
  folder: string;
  html: string;
  png?: string;
  pngStats?: PngStats;
  queries: number;
  queryErrors: string[];
  /** Panels with at least one series. */
  panelsWithData: number;
}

export interface PreviewResult {
  dest: string;
  index: string;
  pages: PreviewPage[];
  /** Why no PNGs were taken, when they were not. */
  pngSkipped?: string;
}

export function listBundleDashboards(bundleDir: string): { uid: string; folder: string; file: string; model: Json }[] {
  const root = join(bundleDir, 'grafana', 'dashboards');
  if (!existsSync(root)) throw new Error(`no dashboards in ${bundleDir}: build the stack first (obsgen build)`);
  const out: { uid: string; folder: string; file: string; model: Json }[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const name of readdirSync(join(root, folder)).filter((n) => n.endsWith('.json')).sort()) {
      const file = join(root, folder, name);
      const model = JSON.parse(readFileSync(file, 'utf8')) as Json;
      out.push({ uid: String(model.uid ?? name.replace(/\.json$/, '')), folder, file, model });
    }
  }
  // The overview first, as Grafana users land on it.
  return out.sort((a, b) => Number(b.uid.endsWith('-overview')) - Number(a.uid.endsWith('-overview')));
}

function bundleScrapeInterval(bundleDir: string): string {
  try {
    const prom = parse(readFileSync(join(bundleDir, 'prometheus', prometheusConfigFiles(bundleDir)[0] ?? 'prometheus.yml'), 'utf8')) as { global?: { scrape_interval?: string } };
    return prom.global?.scrape_interval ?? '1m';
  } catch {
    return '1m';
  }
}

/** Values for query variables: All (`.*`) when allowed, else the current value. */
function variableValues(model: Json): VariableValues {
  const out: VariableValues = {};
  for (const v of (model.templating?.list ?? []) as Json[]) {
    if (v.type === 'datasource') continue;
    const cur = v.current?.value;
    if (v.includeAll) out[v.name] = v.allValue ?? '.*';
    else if (typeof cur === 'string' && cur !== '$__all') out[v.name] = cur;
    else out[v.name] = '.*';
  }
  return out;
}

function allPanels(model: Json): Json[] {
  return (model.panels ?? []) as Json[];
}

export async function previewBundle(o: PreviewOptions): Promise<PreviewResult> {
  const dest = o.dest ?? join(o.bundleDir, 'preview');
  mkdirSync(dest, { recursive: true });
  const stack = JSON.parse(readFileSync(join(o.bundleDir, 'manifest.json'), 'utf8')).stack as string;
  const scrapeS = durationMs(o.scrapeInterval ?? bundleScrapeInterval(o.bundleDir)) / 1000;
  const dashboards = listBundleDashboards(o.bundleDir).filter((d) => !o.uids || o.uids.includes(d.uid));
  if (o.uids) for (const u of o.uids) if (!dashboards.some((d) => d.uid === u)) throw new Error(`no dashboard with uid ${u} in ${o.bundleDir}`);
  const chromium = findChromium();
  const wantPng = o.png ?? chromium !== undefined;
  const pngSkipped = o.png === false ? 'PNGs not requested' : !chromium ? 'chromium is not installed (scripts/install-tools.sh chromium)' : undefined;
  const siblings = dashboards.map((d) => ({ uid: d.uid, title: String(d.model.title) }));
  const pages: PreviewPage[] = [];
  for (const d of dashboards) {
    const end = o.end ?? Math.floor(Date.now() / 1000);
    const rangeS = o.range ? durationMs(o.range) / 1000 : relativeRangeSeconds(d.model.time?.from);
    const range: TimeRange = { start: end - rangeS, end, step: Math.max(1, Math.ceil(rangeS / 300)) };
    const vars = variableValues(d.model);
    const data = new Map<number, PanelData>();
    let queries = 0;
    const queryErrors: string[] = [];
    let panelsWithData = 0;
    if (o.prometheusUrl) {
      for (const panel of allPanels(d.model)) {
        const targets = (panel.targets ?? []) as Json[];
        if (!targets.length) continue;
        const results: QueryResult[] = [];
        for (const t of targets) {
          if (typeof t.expr !== 'string' || t.hide) {
            results.push({ series: [] });
            continue;
          }
          queries++;
          const r = await runQuery(o.prometheusUrl, interpolate(t.expr, vars, range, scrapeS), t.instant === true, range);
          if (r.error) queryErrors.push(`${panel.title}: ${r.error}`);
          results.push(r);
        }
        if (results.some((r) => r.series.length)) panelsWithData++;
        data.set(panel.id, { results });
      }
    }
    const html = renderDashboardHtml({
      model: d.model,
      stack,
      folder: d.folder,
      data,
      source: o.prometheusUrl,
      rangeText: `last ${rangeS}s until ${new Date(end * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC, step ${range.step}s`,
      siblings: siblings.filter((s) => s.uid !== d.uid),
    });
    const htmlFile = join(dest, `${d.uid}.html`);
    writeFileSync(htmlFile, html);
    const page: PreviewPage = { uid: d.uid, title: String(d.model.title), folder: d.folder, html: htmlFile, queries, queryErrors, panelsWithData };
    if (wantPng && chromium) {
      const pngFile = join(dest, `${d.uid}.png`);
      await screenshot(htmlFile, pngFile, { width: PAGE_WIDTH, height: pageHeight(d.model), chromium });
      page.png = pngFile;
      page.pngStats = pngStats(readFileSync(pngFile));
    }
    pages.push(page);
  }
  const index = join(dest, 'index.html');
  writeFileSync(
    index,
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(stack)} dashboards</title></head><body style="background:#111217;color:#ccccdc;font:14px sans-serif;padding:16px">
<h1>${esc(stack)}: dashboards</h1><ul>${pages.map((p) => `<li><a style="color:#6e9fff" href="${esc(p.uid)}.html">${esc(p.folder)} / ${esc(p.title)}</a>${p.png ? ` (<a style="color:#6e9fff" href="${esc(p.uid)}.png">png</a>)` : ''}</li>`).join('')}</ul></body></html>\n`,
  );
  return { dest, index, pages, ...(wantPng && chromium ? {} : { pngSkipped }) };
}
