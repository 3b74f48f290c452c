/**
 * The dashboard helpers' props are the schemas' input types, so tsc checks each panel's props
 * where it is written: a misspelled prop or a wrong value type in timeseries/stat/gauge/table/
 * text/row/dashboard, or in a panel written as an object literal, is a compile error naming it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';

const root = join(import.meta.dirname, '../..');
const stack = `import { dashboard, defineStack, gauge, row, stat, table, text, timeseries } from ${JSON.stringify(join(root, 'src/index.ts'))};
export default defineStack({
  name: 'typed',
  scrapeJobs: [{ name: 'n', targets: ['a:1'] }],
  dashboards: [
    dashboard({ title: 'S', refreshh: '1m', panels: [stat({ title: 's', query: 'up' })] }),
    dashboard({
      title: 'T',
      panels: [
        timeseries({ title: 'a', query: 'up', unitt: 'reqps' }),
        stat({ title: 'b', query: 'up', decimals: 'two' }),
        gauge({ title: 'c', query: 'up', maxx: 1 }),
        table({ title: 'd', query: 'up', x: 'left' }),
        text({ title: 'e', content: 'hi', heigth: 4 }),
        row('r', [stat({ title: 'f', query: 'up', overrides: [{ matcher: { id: 'byName' } }] })], { colapsed: true }),
        { type: 'stat', title: 'g', query: 'up', colour: 'red' },
      ],
    }),
  ],
});
`;

describe('dashboard helpers: props checked by tsc one by one', () => {
  it('reports each misspelled prop and wrong value type at its panel', () => {
    const dir = tempDir('obsgen-helper-types-');
    writeFileSync(join(dir, 'stack.ts'), stack);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, allowImportingTsExtensions: true, noEmit: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] }, files: ['stack.ts'] }),
    );
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.startsWith('stack.ts('));
    const at = (line: number) => lines.filter((l) => l.startsWith(`stack.ts(${line},`)).join('\n');
    expect(r.status).not.toBe(0);
    // tsc reports one problem per argument, so each dashboard({...}) shows its own.
    expect(at(6)).toMatch(/'refreshh' does not exist/);
    expect(at(10)).toMatch(/'unitt' does not exist.*Did you mean to write 'unit'\?/);
    expect(at(11)).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(at(12)).toMatch(/'maxx' does not exist/);
    expect(at(13)).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(at(14)).toMatch(/'heigth' does not exist/);
    expect(at(15)).toMatch(/'properties' is missing|'colapsed' does not exist/);
    expect(at(16)).toMatch(/'colour' does not exist/);
  }, 300_000);
});
