/**
 * End to end: `obsgen stack up` (the native runner on Debian's binaries, 127.0.0.1 only) loads a
 * bundled notification template. Alertmanager reads templates/<name> relative to its config,
 * in the runner's copy of the bundle as in the compose mount; a template that does not parse
 * stops the stack before it starts (amtool check-config on the runtime config), so a good one
 * starting proves it was read. Everything started is stopped by pid.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineStack } from 'obsgen';
import { buildStack } from '../../src/stack/build.ts';
import { startStack, type StackHandle } from '../../src/stack/native/index.ts';
import { tempDir } from '../helpers.ts';
import { getJson } from './helpers.ts';

const work = tempDir('obsgen-e2e-tmpl-');
const handles: StackHandle[] = [];

const stack = (content: string) =>
  defineStack({
    name: 'tmpl-e2e',
    scrapeJobs: [{ name: 'prom', targets: ['localhost:9090'] }],
    alerting: {
      receivers: { team: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
      routes: [{ match: { severity: 'critical' }, receiver: 'team' }],
      templates: [{ name: 'shop.tmpl', content }],
    },
  });

afterAll(async () => {
  for (const h of handles) await h.stop();
});

describe('stack up loads bundled Alertmanager templates', () => {
  it('starts Alertmanager with the template in its config folder', async () => {
    const out = join(work, 'good');
    expect(buildStack(stack('{{ define "shop.title" }}{{ .CommonLabels.alertname }}{{ end }}'), out).ok).toBe(true);
    const h = await startStack(join(out, 'tmpl-e2e'), { stateDir: join(work, 'state-good') });
    handles.push(h);
    const status = await getJson<{ config: { original: string } }>(`http://127.0.0.1:${h.port('alertmanager')}/api/v2/status`);
    expect(status.config.original).toContain('templates/shop.tmpl');
  }, 120_000);

  it('refuses to start with a template that does not parse: the runtime config reads it', async () => {
    const out = join(work, 'bad');
    // The build's own amtool check would refuse it too; verify: false writes it for the runner to meet.
    expect(buildStack(stack('{{ define "shop.title" }}{{ .CommonLabels'), out, { verify: false }).ok).toBe(true);
    await expect(startStack(join(out, 'tmpl-e2e'), { stateDir: join(work, 'state-bad') })).rejects.toThrow(/shop\.tmpl/);
  }, 120_000);
});
