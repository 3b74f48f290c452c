/**
 * What a stack file imports from 'obsgen' that obsgen does not export. A stack file that
 * imports a mixin obsgen lacks fails to load with the module system's words
 * ("does not provide an export named ..." in ES modules, "(0 , import_obsgen.x) is not a
 * function" once compiled to CommonJS); this names the import and lists what there is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { nearest } from '../core/nearest.ts';

export interface PublicExports {
  /** Factories from src/mixins/ and src/slo/: what goes in services, mixins and slos. */
  components: string[];
  /** Every other value export (defineStack, dashboard helpers, ...). */
  other: string[];
}

/** The value exports of obsgen's index, read from its `export { ... } from '...'` lines. */
export function publicExports(indexFile?: URL): PublicExports {
  // Beside this module: index.ts in the sources, index.js once compiled (tsc keeps the export lines).
  const candidates = indexFile ? [indexFile] : [new URL('../index.ts', import.meta.url), new URL('../index.js', import.meta.url)];
  const file = candidates.find((f) => existsSync(f)) ?? candidates[0]!;
  const text = readFileSync(file, 'utf8');
  const out: PublicExports = { components: [], other: [] };
  for (const m of text.matchAll(/^export\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/gm)) {
    const names = m[1]!
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith('type '))
      .map((s) => s.split(/\s+as\s+/).pop()!.trim());
    const list = /^\.\/(mixins|slo)\//.test(m[2]!) ? out.components : out.other;
    list.push(...names);
  }
  out.components.sort();
  out.other.sort();
  return out;
}

/** Names a stack source imports (as values) from 'obsgen', with their line. */
export function obsgenImports(source: string): { name: string; line: number }[] {
  const out: { name: string; line: number }[] = [];
  const patterns = [
    /import\s+(?!type\b)\{([^}]*)\}\s*from\s*['"]obsgen['"]/g,
    /import\s+[\w$]+\s*,\s*\{([^}]*)\}\s*from\s*['"]obsgen['"]/g,
    /(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"]obsgen['"]\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of source.matchAll(re)) {
      const line = source.slice(0, m.index).split('\n').length;
      for (const spec of m[1]!.split(',')) {
        const s = spec.trim();
        if (!s || s.startsWith('type ')) continue;
        out.push({ name: s.split(/\s+as\s+|\s*:\s*/)[0]!.trim(), line });
      }
    }
  }
  // `import * as o from 'obsgen'` then `o.rabbitmq(...)`.
  for (const m of source.matchAll(/import\s+\*\s+as\s+([\w$]+)\s+from\s*['"]obsgen['"]/g)) {
    for (const use of source.matchAll(new RegExp(`(?<![\\w$.])${m[1]!.replace(/\$/g, '\\$')}\\.([\\w$]+)`, 'g'))) {
      out.push({ name: use[1]!, line: source.slice(0, use.index).split('\n').length });
    }
  }
  return out;
}

/** Why a stack file that imports names obsgen does not export fails to load, or undefined. */
export function missingImportsMessage(file: string): string | undefined {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const exported = publicExports();
  const all = new Set([...exported.components, ...exported.other]);
  const missing = obsgenImports(source).filter((i) => !all.has(i.name));
  if (!missing.length) return undefined;
  const what = missing.map((i) => {
    const near = nearest(i.name, all);
    return `${i.name} (line ${i.line})${near ? `: did you mean ${near}?` : ''}`;
  });
  return (
    `it imports ${missing.length > 1 ? 'names' : 'a name'} from 'obsgen' that obsgen does not export: ${what.join(', ')}\n` +
    `    hint: obsgen's mixins and SLO factories are ${exported.components.join(', ')}; for a system without a mixin, ` +
    `scrape it with scrapeJobs: [{ name, targets }] and add free-form alerts: [...]`
  );
}
