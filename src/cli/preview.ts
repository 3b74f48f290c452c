/** obsgen preview <stack>: HTML pages and PNGs of a built bundle's dashboards. */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isDuration } from '../core/duration.ts';
import { previewBundle } from '../dashboards/preview/index.ts';
import { flag, flagList, type Args } from './args.ts';
import { PREVIEW_HELP } from './help.ts';

export async function cmdPreview(args: Args): Promise<number> {
  const stack = args.positional[1] ?? flag(args, 'stack');
  if (!stack) {
    console.error(`error: name the stack to preview\n\nUsage:\n${PREVIEW_HELP}`);
    return 1;
  }
  const out = resolve(flag(args, 'out') ?? 'out');
  const bundleDir = join(out, stack);
  if (!existsSync(join(bundleDir, 'manifest.json'))) {
    console.error(`error: ${stack}: no bundle in ${bundleDir}; run obsgen build --stack ${stack} first`);
    return 1;
  }
  const range = flag(args, 'range');
  if (range !== undefined && !isDuration(range)) {
    console.error(`error: --range ${range} is not a duration (e.g. 30m, 6h)`);
    return 1;
  }
  const prometheusUrl = flag(args, 'prometheus');
  if (prometheusUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(prometheusUrl)) {
    console.error(`error: --prometheus ${prometheusUrl} is not an http(s) URL`);
    return 1;
  }
  const uids = flagList(args, 'uid');
  try {
    const r = await previewBundle({
      bundleDir,
      dest: flag(args, 'dest') ? resolve(flag(args, 'dest')!) : undefined,
      prometheusUrl,
      range,
      scrapeInterval: flag(args, 'scrape-interval'),
      uids: uids.length ? uids : undefined,
      png: args.flags.has('no-png') ? false : undefined,
    });
    for (const p of r.pages) {
      const where = relative(process.cwd(), p.png ?? p.html) || p.html;
      const data = prometheusUrl ? `, ${p.queries} queries, ${p.panelsWithData} panels with data${p.queryErrors.length ? `, ${p.queryErrors.length} query errors` : ''}` : '';
      console.log(`${stack}: ${p.uid}: ${where}${data}`);
      for (const e of p.queryErrors.slice(0, 5)) console.error(`  query error: ${e}`);
    }
    if (r.pngSkipped) console.log(`${stack}: no PNGs: ${r.pngSkipped}`);
    if (!prometheusUrl) console.log(`${stack}: no --prometheus URL given: panels show no data`);
    console.log(`${stack}: ${r.pages.length} dashboards previewed in ${relative(process.cwd(), r.index) || r.index}`);
    return 0;
  } catch (e) {
    console.error(`error: ${stack}: preview failed: ${(e as Error).message}`);
    return 1;
  }
}
