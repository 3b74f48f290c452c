#!/usr/bin/env node
// obsgen's command line. It runs the compiled JavaScript in dist/ (what the npm package
// ships, built by `npm run compile`) when that is at least as new as src/, else obsgen's
// TypeScript sources through tsx (a clone being edited, or OBSGEN_SOURCE=1). Stack files are TypeScript: tsx
// loads them on first use (src/stack/tsloader.ts), so commands that read none start
// without it. `import ... from 'obsgen'` in a stack file resolves to the same copy of obsgen
// the command runs, from anywhere, in ES modules (resolve hook) and in CommonJS.
import { existsSync, readdirSync, statSync } from 'node:fs';
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = `${root}dist/.compiled`;

/** The newest modification time of any file under dir (0 when there is none). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// OBSGEN_SOURCE=1 runs the sources even when dist/ is current (to compare, or to debug).
const compiled = process.env.OBSGEN_SOURCE !== '1' && existsSync(stamp) && (!existsSync(`${root}src`) || newest(`${root}src`) <= statSync(stamp).mtimeMs);
const index = compiled ? `${root}dist/index.js` : `${root}src/index.ts`;

// Commands that read no stack file (rule tests and promqltest files) skip the resolve hook: it
// starts a loader thread, a fifth of a small `obsgen test-rules` run.
const readsStacks = !['test-rules', 'promql-test'].includes(process.argv[2] ?? '');
if (readsStacks) {
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolveFilename.call(this, request === 'obsgen' ? index : request, ...rest);
  };
  register('./resolve-obsgen.js', import.meta.url, { data: { index } });
}
if (!compiled) {
  const [{ register: registerTsx }, { register: registerTsxCjs }] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  registerTsx();
  registerTsxCjs();
  globalThis[Symbol.for('obsgen.tsx-registered')] = true;
}
const { main } = await import(compiled ? '../dist/cli/main.js' : '../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
