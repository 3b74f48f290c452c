#!/usr/bin/env node
// obsgen's command line. Stack files are TypeScript: tsx loads them (and obsgen's own
// sources) on the fly, and `import ... from 'obsgen'` resolves to this package from
// anywhere, in ES modules (resolve hook) and in files tsx treats as CommonJS.
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register as registerTsxCjs } from 'tsx/cjs/api';
import { register as registerTsx } from 'tsx/esm/api';

const INDEX = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === 'obsgen' ? INDEX : request, ...rest);
};
registerTsx();
registerTsxCjs();
register('./resolve-obsgen.js', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
