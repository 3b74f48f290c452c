/**
 * obsgen outside its clone: `npm pack` gives a tarball that installs into an empty project,
 * where `npx obsgen init` scaffolds a stack and `npx obsgen build` / `test` work on it, and
 * the stack file type-checks against the shipped .d.ts files.
 */
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';
import { ROOT, sh } from './helpers.ts';

describe('the npm package', () => {
  let project: string;
  let tarball: string;

  beforeAll(async () => {
    // Pack a copy of the repository, so its prepare step compiles a dist/ of its own and the
    // dist/ other tests may be running stays as it is.
    const copy = tempDir('obsgen-pack-');
    for (const f of ['bin', 'src', 'scripts', 'docs', 'README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      cpSync(join(ROOT, f), join(copy, f), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const dest = tempDir('obsgen-tgz-');
    const pack = await sh('npm', ['pack', '--pack-destination', dest], copy);
    expect(pack.status, pack.out).toBe(0);
    tarball = join(dest, readdirSync(dest).find((f) => f.endsWith('.tgz'))!);

    project = tempDir('obsgen-consumer-');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'typescript@5.9.3'], project);
    expect(install.status, install.out).toBe(0);
  }, 600_000);

  it('ships compiled JavaScript and declarations, not the TypeScript sources', async () => {
    const files = (await sh('tar', ['tzf', tarball], ROOT)).out.split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/emit/templates/docker-compose.yml.hbs');
    expect(files.filter((f) => f.startsWith('package/src/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('package/test/'))).toEqual([]);
  });

  it('init scaffolds a project that builds, tests, lints and type-checks', async () => {
    const init = await sh('npx', ['obsgen', 'init'], project);
    expect(init.status, init.out).toBe(0);
    for (const f of ['stacks/shop.ts', 'tsconfig.json', '.github/workflows/observability.yml']) expect(existsSync(join(project, f)), f).toBe(true);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts).toMatchObject({ build: 'obsgen build', test: 'obsgen test', lint: 'obsgen lint' });

    const build = await sh('npx', ['obsgen', 'build'], project);
    expect(build.status, build.out).toBe(0);
    expect(build.out).toMatch(/shop: wrote .*out\/shop/);
    expect(existsSync(join(project, 'out/shop/prometheus/prometheus.yml'))).toBe(true);
    const test = await sh('npx', ['obsgen', 'test'], project);
    expect(test.status, test.out).toBe(0);
    expect(test.out).toMatch(/shop: \d+ rule tests in \d+ files passed/);
    const lint = await sh('npm', ['run', 'lint'], project);
    expect(lint.status, lint.out).toBe(0);
    const tsc = await sh('npx', ['tsc', '--noEmit'], project);
    expect(tsc.status, tsc.out).toBe(0);

    // The shipped types are the schemas' input types: tsc refuses a misspelled prop.
    const stackFile = join(project, 'stacks/shop.ts');
    const good = readFileSync(stackFile, 'utf8');
    writeFileSync(stackFile, good.replace("errorRatio: { above: 0.05, for: '5m' }", "errorRatio: { above: 0.05, for: '5m', severty: 'critical' }"));
    const typo = await sh('npx', ['tsc', '--noEmit'], project);
    expect(typo.status).not.toBe(0);
    expect(typo.out).toMatch(/'severty' does not exist in type .*Did you mean to write 'severity'\?/);
    const checked = await sh('npx', ['obsgen', 'build', '--typecheck'], project);
    expect(checked.status).toBe(1);
    expect(checked.out).toContain("'severty' does not exist");
    expect(checked.out).toContain('the stack files do not type-check (obsgen build --typecheck); nothing built');
    writeFileSync(stackFile, good);
  });
});
