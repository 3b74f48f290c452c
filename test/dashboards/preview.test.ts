import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStack } from 'obsgen';
import { previewBundle } from '../../src/dashboards/preview/index.ts';
import { findChromium } from '../../src/dashboards/preview/chromium.ts';
import { pngSize, pngStats } from '../../src/dashboards/preview/png.ts';
import { interpolate, legendName, rateInterval } from '../../src/dashboards/preview/query.ts';
import { formatValue, markdown, pageHeight } from '../../src/dashboards/preview/render.ts';
import { tempDir } from '../helpers.ts';
import { shopStack } from './fixtures.ts';
import { startApp, type RunningApp } from './app.ts';
import { startPrometheus, waitForSamples, type RunningPrometheus } from './prometheus.ts';

const root = join(import.meta.dirname, '../..');

/** A PNG of one solid color, to check the blank detector. */
function solidPng(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc(h * (1 + w * 3), 0x11);
  for (let y = 0; y < h; y++) raw[y * (1 + w * 3)] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('preview helpers', () => {
  it('format values with their Grafana units', () => {
    expect(formatValue(0.0523, 'percentunit')).toBe('5.23%');
    expect(formatValue(0.25, 's')).toBe('250 ms');
    expect(formatValue(2.5, 's')).toBe('2.5 s');
    expect(formatValue(3 * 1024 * 1024, 'bytes')).toBe('3 MiB');
    expect(formatValue(1500, 'reqps')).toBe('1.5 k req/s');
    expect(formatValue(42, 'short')).toBe('42');
    expect(formatValue(0.999, 'percentunit', 1)).toBe('99.9%');
  });

  it('fill Grafana variables and $__rate_interval as Grafana would', () => {
    expect(rateInterval(1, 15)).toBe(60);
    expect(rateInterval(120, 15)).toBe(135);
    const range = { start: 1000, end: 4600, step: 12 };
    expect(interpolate('sum(rate(x{job=~"$job",i=~"${instance}"}[$__rate_interval])) / $__range_s', { job: '.*', instance: 'a:1' }, range, 15)).toBe(
      'sum(rate(x{job=~".*",i=~"a:1"}[60s])) / 3600',
    );
    expect(legendName('{{code}} on {{ instance }}', { code: '500', instance: 'api:8000' })).toBe('500 on api:8000');
    expect(legendName('__auto', { __name__: 'up', job: 'x' })).toBe('up{job="x"}');
  });

  it('escape text panel Markdown and keep only links, lists and bold', () => {
    expect(markdown('**Hi** <script>\n- [a](/d/x)\n- [b](javascript:void)')).toBe('<p><b>Hi</b> &lt;script&gt;</p><ul><li><a href="/d/x">a</a></li><li><a href="#">b</a></li></ul>');
  });

  it('tell a blank PNG from a drawn one', () => {
    const blank = solidPng(40, 30);
    expect(pngSize(blank)).toEqual({ width: 40, height: 30 });
    expect(pngStats(blank)).toEqual({ width: 40, height: 30, distinctColors: 1, dominantShare: 1 });
    expect(() => pngSize(Buffer.from('GIF89a........................'))).toThrow(/not a PNG/);
  });
});

describe('obsgen preview', () => {
  let prom: RunningPrometheus;
  let app: RunningApp;
  let out: string;
  beforeAll(async () => {
    // Chromium is only needed here and by `obsgen preview`, so it is installed on demand, not for every build.
    if (!findChromium()) spawnSync('bash', [join(root, 'scripts/install-tools.sh'), 'chromium'], { stdio: 'inherit', timeout: 900_000 });
    out = tempDir('obsgen-preview-');
    const built = buildStack(shopStack(), out, { verify: false });
    expect(built.ok).toBe(true);
    app = await startApp();
    // The bundle's own recording rules, and the service's job scraping a real instrumented app.
    prom = await startPrometheus({ jobs: { checkout: app.target }, ruleFiles: [join(out, 'shop/prometheus/rules/checkout.rules.yml')] });
  }, 900_000);
  afterAll(async () => {
    await prom?.stop();
    await app?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('lays panels out as on the grid, without a Prometheus', async () => {
    const r = await previewBundle({ bundleDir: join(out, 'shop'), dest: join(out, 'nodata'), png: false });
    expect(r.pages.map((p) => p.uid)).toEqual(['shop-overview', 'shop-business', 'shop-svc-checkout']);
    expect(r.pngSkipped).toBe('PNGs not requested');
    const html = readFileSync(join(out, 'nodata', 'shop-svc-checkout.html'), 'utf8');
    // "Request rate by instance" sits at x=12, y=6: left = 16 + 12 * (1600 - 32 + 8) / 24, top = 8 + 6 * (30 + 8).
    expect(html).toMatch(/data-panel-id="8" data-type="timeseries" style="left:804\.0px;top:236px;width:780\.0px;height:296px"/);
    expect(html).toContain('no Prometheus URL given');
    expect(existsSync(r.index)).toBe(true);
    expect(readFileSync(r.index, 'utf8')).toContain('href="shop-business.html"');
  });

  it('renders the overview against a live Prometheus into a PNG that is not blank', async () => {
    expect(findChromium(), 'chromium missing: scripts/install-tools.sh chromium').toBeDefined();
    await waitForSamples(prom.url, 'up{job="prometheus"}', 3);
    const r = await previewBundle({ bundleDir: join(out, 'shop'), prometheusUrl: prom.url, range: '2m', scrapeInterval: '1s', uids: ['shop-overview'] });
    expect(r.pages).toHaveLength(1);
    const page = r.pages[0]!;
    expect(page.queryErrors).toEqual([]);
    expect(page.queries).toBe(17);
    expect(page.panelsWithData).toBeGreaterThanOrEqual(8);
    const html = readFileSync(page.html, 'utf8');
    expect(html).toContain('<polyline');
    expect(html).toMatch(/<td>prometheus<\/td><td style="color:#73BF69">100%<\/td>/);
    const model = JSON.parse(readFileSync(join(out, 'shop/grafana/dashboards/shop/shop-overview.json'), 'utf8'));
    const stats = page.pngStats!;
    expect(stats.width).toBe(1600);
    expect(stats.height).toBe(pageHeight(model));
    expect(stats.distinctColors).toBeGreaterThan(200);
    expect(stats.dominantShare).toBeLessThan(0.95);
    expect(pngStats(readFileSync(page.png!))).toEqual(stats);
  });

  it('draws every panel of the service dashboard from a live service and its recording rules', async () => {
    await waitForSamples(prom.url, 'job:http_requests:rate5m{job="checkout"}', 3);
    await waitForSamples(prom.url, 'process_open_fds{job="checkout"}', 3);
    const r = await previewBundle({ bundleDir: join(out, 'shop'), prometheusUrl: prom.url, range: '1m', scrapeInterval: '1s', uids: ['shop-svc-checkout'], dest: join(out, 'svc') });
    const page = r.pages[0]!;
    expect(page.queryErrors).toEqual([]);
    expect(page.queries).toBe(15);
    // 13 panels besides rows: every one has data.
    expect(page.panelsWithData).toBe(13);
    const html = readFileSync(page.html, 'utf8');
    expect(html).not.toContain('No data');
    for (const legend of ['p50', 'p95', 'p99', '500', '404']) expect(html).toContain(`</i>${legend}</span>`);
    expect(page.pngStats!.distinctColors).toBeGreaterThan(200);
    expect(page.pngStats!.dominantShare).toBeLessThan(0.95);
  });

  it('runs from the CLI, and says when the bundle is missing', () => {
    const ok = spawnSync('node', [join(root, 'bin/obsgen.js'), 'preview', 'shop', '--out', out, '--no-png', '--uid', 'shop-business', '--prometheus', prom.url, '--range', '1m'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/shop: shop-business: .*shop-business\.html, 3 queries, 1 panels with data/);
    expect(ok.stdout).toContain('shop: 1 dashboards previewed');
    const missing = spawnSync('node', [join(root, 'bin/obsgen.js'), 'preview', 'nope', '--out', out], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no bundle in');
  });
});
