// `npm run compile` (also run by prepare): obsgen's TypeScript to dist/ (JavaScript and .d.ts),
// plus the files the code reads at run time. bin/obsgen.js runs dist/ when dist/.compiled is
// at least as new as every file in src/.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
cpSync(`${root}src/emit/templates`, `${root}dist/emit/templates`, { recursive: true });
writeFileSync(`${root}dist/.compiled`, '');
