/**
 * A stack file importing a mixin obsgen does not have: the CLI names the import and lists
 * the mixins, in ES modules and in files tsx compiles to CommonJS (where Node's own words
 * are "(0 , import_obsgen.rabbitmq) is not a function").
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { obsgenImports, publicExports } from '../../src/stack/imports.ts';
import { tempDir } from '../helpers.ts';

const BIN = join(import.meta.dirname, '../../bin/obsgen.js');
const run = (args: string[]) => spawnSync('node', [BIN, ...args], { cwd: join(import.meta.dirname, '../..'), encoding: 'utf8', timeout: 120_000 });

const STACK = `import { defineStack, rabbitmq } from 'obsgen';
export default defineStack({ name: 'queue', mixins: [rabbitmq({ targets: ['rabbitmq:15692'] })] });
`;

function expectMissingImport(file: string, out: string) {
  const r = run(['build', '--file', file, '--out', out]);
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toBe(`error: cannot load ${file}: it imports a name from 'obsgen' that obsgen does not export: rabbitmq (line 1)`);
  expect(lines[1]).toMatch(/^ {4}hint: obsgen's mixins and SLO factories are .*\bhttpService\b.*\bpostgres\b.*\bredis\b.*; for a system without a mixin, scrape it with scrapeJobs/);
  expect(r.stderr).not.toContain('is not a function');
  expect(r.stderr).not.toContain('does not provide an export');
  expect(existsSync(join(out, 'queue'))).toBe(false);
}

describe('a stack file importing a name obsgen does not export', () => {
  it('ES module: names the missing export and lists the mixins', () => {
    const dir = tempDir();
    const file = join(dir, 'stack.ts');
    writeFileSync(file, STACK);
    expectMissingImport(file, join(dir, 'out'));
  });

  it('CommonJS (a folder whose package.json has no "type": "module"): the same message', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'cjs'));
    writeFileSync(join(dir, 'cjs/package.json'), '{}\n');
    const file = join(dir, 'cjs/stack.ts');
    writeFileSync(file, STACK);
    expectMissingImport(file, join(dir, 'out'));
  });

  it('suggests the nearest export for a misspelling', () => {
    const dir = tempDir();
    const file = join(dir, 'stack.ts');
    writeFileSync(file, `import { defineStack, postgresql } from 'obsgen';\nexport default defineStack({ name: 'db', mixins: [postgresql({ targets: ['pg:9187'] })] });\n`);
    const r = run(['build', '--file', file, '--out', join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`that obsgen does not export: postgresql (line 1): did you mean postgres?`);
  });

  it('lists every mixin factory that src/index.ts exports, and reads imports in every form', () => {
    const ex = publicExports();
    for (const name of ['httpService', 'postgres', 'redis', 'host', 'node', 'haproxy', 'nginx', 'kafka', 'mysql', 'probes', 'slo']) expect(ex.components).toContain(name);
    expect(ex.other).toContain('defineStack');
    expect(ex.components).not.toContain('PostgresProps');
    const src = `import { defineStack, type StackProps, rabbitmq as rabbit } from 'obsgen';\nimport type { Bundle } from 'obsgen';\nimport * as o from 'obsgen';\nconst x = o.celery({});\n`;
    expect(obsgenImports(src)).toEqual([
      { name: 'defineStack', line: 1 },
      { name: 'rabbitmq', line: 1 },
      { name: 'celery', line: 4 },
    ]);
  });
});
