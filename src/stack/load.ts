/** Finding and loading stack files (TypeScript, loaded through tsx by the CLI). */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isStack, type Stack } from './define.ts';
import { ensureTypeScriptLoader } from './tsloader.ts';
import { missingImportsMessage } from './imports.ts';

export function stackFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => join(dir, f));
}

export async function loadStack(file: string): Promise<Stack | { error: string; file: string }> {
  const full = resolve(file);
  let mod: { default?: unknown };
  await ensureTypeScriptLoader();
  try {
    mod = (await import(pathToFileURL(full).href)) as { default?: unknown };
  } catch (e) {
    const message = (e as Error).message;
    const missing = missingImportsMessage(full);
    // The module system's own words for a missing export say nothing more; anything else may.
    const original = /does not provide an export named|is not a function/.test(message) ? '' : `\n    (${message})`;
    return { error: `cannot load ${file}: ${missing ? missing + original : message}`, file };
  }
  const stack = defaultExport(mod);
  if (!isStack(stack)) {
    return { error: `${file} does not default-export defineStack({...})`, file };
  }
  return stack;
}

/**
 * A stack file that tsx compiles as CommonJS (no `"type": "module"` in a package.json above it)
 * arrives from import() as `{ default: { default: stack } }`; obsgen's own sources, when tsx
 * compiles them too, unwrap that on their own, compiled dist/ code does not.
 */
function defaultExport(mod: { default?: unknown }): unknown {
  const d = mod.default;
  if (d && typeof d === 'object' && !isStack(d) && 'default' in d) return (d as { default: unknown }).default;
  return d;
}

export function stackNameOfFile(file: string): string {
  return basename(file).replace(/\.(ts|mts|js|mjs)$/, '');
}
