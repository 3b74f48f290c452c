/**
 * A mixin shipped as its own package (examples/rabbitmq-mixin) is installed next to the packed
 * obsgen in an empty project and used from a stack exactly like a built-in mixin: the stack
 * type-checks, builds, and `obsgen test` runs the mixin's promtool scenarios.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';
import { ROOT, sh } from './helpers.ts';

async function pack(dir: string): Promise<string> {
  const dest = tempDir('obsgen-tgz-');
  const r = await sh('npm', ['pack', '--pack-destination', dest], dir);
  expect(r.status, r.out).toBe(0);
  return join(dest, readdirSync(dest).find((f) => f.endsWith('.tgz'))!);
}

const STACK = `import { defineStack, node } from 'obsgen';
import { rabbitmq } from 'obsgen-rabbitmq';

export default defineStack({
  name: 'queueing',
  mixins: [
    node({ targets: ['node-exporter:9100'] }),
    rabbitmq({ targets: ['rabbit-1:15692', 'rabbit-2:15692'], memory: { above: 0.85 }, unacked: { above: 5000 } }),
  ],
});
`;

describe('a mixin package', () => {
  let project: string;

  beforeAll(async () => {
    // Pack a copy of obsgen (its prepare step compiles dist/), and the example package as it is.
    const copy = tempDir('obsgen-pack-');
    for (const f of ['bin', 'src', 'scripts', 'docs', 'README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const obsgen = await pack(copy);
    const mixin = await pack(join(ROOT, 'examples/rabbitmq-mixin'));
    project = tempDir('obsgen-consumer-');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'queueing', private: true, type: 'module' }));
    const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', obsgen, mixin, 'typescript@5.9.3'], project);
    expect(install.status, install.out).toBe(0);
    mkdirSync(join(project, 'stacks'));
    writeFileSync(join(project, 'stacks/queueing.ts'), STACK);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true }, include: ['stacks'] }),
    );
  }, 600_000);

  it('builds a stack that uses rabbitmq() and runs its promtool scenarios with obsgen test', async () => {
    const build = await sh('npx', ['obsgen', 'build'], project);
    expect(build.status, build.out).toBe(0);
    const rules = readFileSync(join(project, 'out/queueing/prometheus/rules/rabbitmq.rules.yml'), 'utf8');
    for (const name of ['RabbitmqNodeDown', 'RabbitmqMemoryAlarm', 'RabbitmqDiskAlarm', 'RabbitmqMemoryHigh', 'RabbitmqFileDescriptorsHigh', 'RabbitmqUnroutableMessages', 'RabbitmqTooManyUnackedMessages']) {
      expect(rules).toContain(`alert: ${name}`);
    }
    expect(rules).toContain('> 0.85');
    expect(readdirSync(join(project, 'out/queueing/grafana/dashboards/queueing'))).toContain('queueing-rabbitmq-rabbitmq.json');
    expect(readFileSync(join(project, 'out/queueing/prometheus/prometheus.yml'), 'utf8')).toContain('rabbit-2:15692');
    const test = await sh('npx', ['obsgen', 'test'], project);
    expect(test.status, test.out).toBe(0);
    expect(test.out).toMatch(/queueing: \d+ rule tests in \d+ files passed/);
  });

  it("type-checks the stack against both packages' types, and tsc flags a misspelled mixin prop", async () => {
    const tsc = await sh('npx', ['tsc', '--noEmit'], project);
    expect(tsc.status, tsc.out).toBe(0);
    const file = join(project, 'stacks/queueing.ts');
    writeFileSync(file, STACK.replace('unacked: { above: 5000 }', 'unacked: { abvoe: 5000 }'));
    const typo = await sh('npx', ['tsc', '--noEmit'], project);
    expect(typo.status).not.toBe(0);
    expect(typo.out).toContain("'abvoe' does not exist");
    writeFileSync(file, STACK);
  });
});
