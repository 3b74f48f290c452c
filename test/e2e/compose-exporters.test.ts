/**
 * The exporters obsgen adds to the compose file, run as the native runner runs them: a stack
 * with probes() gets a blackbox_exporter service (Debian's prometheus-blackbox-exporter here)
 * with a generated blackbox.yml, and the probe of a local HTTP server succeeds through it.
 * Prometheus and Alertmanager carry --web.external-url with a path (and --web.route-prefix=/),
 * and still start, answer /-/ready and link alerts to the external URL.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, isAlive, startStack, stopStack, type StackHandle } from '../../src/stack/native/index.ts';
import { tempDir } from '../helpers.ts';
import { getJson, obsgen, waitFor } from './helpers.ts';

let work: string;
let out: string;
let state: string;
let web: Server;
let webPort: number;
let stack: StackHandle | undefined;

beforeAll(async () => {
  work = tempDir('obsgen-e2e-exporters-');
  out = join(work, 'out');
  state = join(work, 'state');
  webPort = await freePort();
  web = createServer((_req, res) => res.end('ok')).listen(webPort, '127.0.0.1');
  mkdirSync(join(work, 'stacks'));
  writeFileSync(
    join(work, 'stacks/e2e-probes.ts'),
    `import { defineStack, probes } from 'obsgen';
export default defineStack({
  name: 'e2e-probes',
  links: { prometheusUrl: 'https://ops.example.com/prometheus', alertmanagerUrl: 'https://ops.example.com/alertmanager' },
  mixins: [probes({ targets: ['http://127.0.0.1:${webPort}/health'] })],
});
`,
  );
  const b = obsgen(['build', '--file', join(work, 'stacks/e2e-probes.ts'), '--out', out]);
  expect(b.status, b.stderr + b.stdout).toBe(0);
});

afterAll(async () => {
  await stopStack(state);
  for (const p of stack?.processes ?? []) expect(isAlive(p.pid, p.startTime), `pid ${p.pid}`).toBe(false);
  web?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('exporters the compose file gains', () => {
  it('the compose file runs blackbox_exporter with the generated config, port on 127.0.0.1', () => {
    const compose = readFileSync(join(out, 'e2e-probes/docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/blackbox-exporter:\n\s+image: prom\/blackbox-exporter:v\d/);
    expect(compose).toContain('"./blackbox-exporter/blackbox.yml:/etc/blackbox_exporter/config.yml:ro"');
    expect(compose).toContain('"127.0.0.1:9115:9115"');
    expect(compose).toContain('--web.external-url=https://ops.example.com/prometheus');
    expect(compose).toContain('--web.route-prefix=/');
    expect(readFileSync(join(out, 'e2e-probes/blackbox-exporter/blackbox.yml'), 'utf8')).toContain('http_2xx:');
  });

  it('the native runner starts Debian blackbox_exporter for it, and the probe succeeds through it', async () => {
    stack = await startStack(join(out, 'e2e-probes'), { stateDir: state, scrapeInterval: '1s', evaluationInterval: '1s' });
    expect(stack.processes.map((p) => `${p.name}:${p.kind}`).sort()).toEqual(['alertmanager:alertmanager', 'blackbox-exporter:blackbox-exporter', 'prometheus:prometheus']);
    const prom = stack.urls.prometheus!;
    const { value } = await waitFor('probe_success', 30_000, async () => {
      const r = await getJson(`${prom}/api/v1/query?query=${encodeURIComponent('probe_success{job="blackbox"}')}`);
      const v = r.data.result[0]?.value?.[1];
      return v === '1' ? r.data.result[0].metric : undefined;
    });
    expect(value.instance).toBe(`http://127.0.0.1:${webPort}/health`);
    // Routes stay at / while the links carry the external URL's path.
    const flags = await getJson(`${prom}/api/v1/status/flags`);
    expect(flags.data['web.external-url']).toBe('https://ops.example.com/prometheus');
    expect(flags.data['web.route-prefix']).toBe('/');
  });
});
