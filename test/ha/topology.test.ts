/** The HA / scale-out layout (docs/ha.md) in the generated configs: replicas, peers, shards, remote_write. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleFiles } from '../../src/emit/files.ts';
import { buildStack } from '../../src/stack/build.ts';
import { tempDir } from '../helpers.ts';
import { trySynth, synth } from '../../src/stack/synth.ts';
import { defineStack } from '../../src/index.ts';
import { haProps, haStack, NODE_TARGETS, shardedStack } from './stacks.ts';

type Obj = Record<string, any>;
const filesOf = (stack: ReturnType<typeof defineStack>) => bundleFiles(synth(stack)).files;
const yamlOf = (files: Map<string, string>, path: string): Obj => {
  const text = files.get(path);
  if (text === undefined) throw new Error(`no ${path} in the bundle (have ${[...files.keys()].filter((f) => f.startsWith('prometheus/') && !f.includes('/rules/') && !f.includes('/tests/')).join(', ')})`);
  return parse(text) as Obj;
};

/**
 * Prometheus's relabelling for the actions the layout uses (hashmod, keep, labeldrop), as
 * in model/relabel/relabel.go: hashmod takes the md5 of the joined source labels, reads its
 * last 8 bytes as a big-endian uint64 and takes it modulo `modulus`.
 */
function relabel(labels: Record<string, string>, configs: Obj[]): Record<string, string> | undefined {
  let ls = { ...labels };
  for (const c of configs) {
    const value = ((c.source_labels as string[] | undefined) ?? []).map((l) => ls[l] ?? '').join(c.separator ?? ';');
    const re = new RegExp(`^(?:${c.regex ?? '(.*)'})$`);
    switch (c.action ?? 'replace') {
      case 'hashmod': {
        const md5 = createHash('md5').update(value).digest();
        ls[c.target_label] = String(md5.readBigUInt64BE(8) % BigInt(c.modulus));
        break;
      }
      case 'keep':
        if (!re.test(value)) return undefined;
        break;
      case 'labeldrop':
        ls = Object.fromEntries(Object.entries(ls).filter(([k]) => !re.test(k)));
        break;
      default:
        throw new Error(`relabel action ${c.action} is not evaluated by this test`);
    }
  }
  return ls;
}

describe('replicas', () => {
  const files = filesOf(haStack());
  const configs = ['prometheus/prometheus-0.yml', 'prometheus/prometheus-1.yml'].map((p) => yamlOf(files, p));

  it('writes one config per replica, differing only in the replica label', () => {
    expect(files.has('prometheus/prometheus.yml')).toBe(false);
    expect(configs.map((c) => c.global.external_labels)).toEqual([
      { env: 'test', prometheus_replica: '0' },
      { env: 'test', prometheus_replica: '1' },
    ]);
    const strip = (c: Obj) => ({ ...c, global: { ...c.global, external_labels: undefined } });
    expect(strip(configs[0]!)).toEqual(strip(configs[1]!));
  });

  it('drops the replica label from alerts, so both replicas send the same alert', () => {
    const alert = { alertname: 'NodeDown', instance: 'node-a:9100', severity: 'warning' };
    const sent = configs.map((c) => relabel({ ...alert, ...c.global.external_labels }, c.alerting.alert_relabel_configs));
    expect(sent[0]).toEqual({ ...alert, env: 'test' });
    expect(sent[1]).toEqual(sent[0]);
  });

  it('sends to every Alertmanager peer from every replica, and the peers form one mesh', () => {
    const compose = parse(files.get('docker-compose.yml')!) as { services: Record<string, { command: string[]; ports: string[] }> };
    const peers = Object.keys(compose.services).filter((s) => s.startsWith('alertmanager'));
    expect(peers).toEqual(['alertmanager-0', 'alertmanager-1', 'alertmanager-2']);
    for (const c of configs) expect(c.alerting.alertmanagers[0].static_configs[0].targets).toEqual(peers.map((p) => `${p}:9093`));
    for (const p of peers) {
      const flags = compose.services[p]!.command;
      expect(flags).toContain('--cluster.listen-address=0.0.0.0:9094');
      expect(flags.filter((f) => f.startsWith('--cluster.peer=')).sort()).toEqual(peers.filter((x) => x !== p).map((x) => `--cluster.peer=${x}:9094`));
    }
    // Host ports: one each, none shared.
    const hostPorts = Object.values(compose.services).flatMap((s) => s.ports ?? []).map((p) => p.split(':')[1]);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('writes to the long-term store without the replica label, which VictoriaMetrics dedups', () => {
    for (const c of configs) {
      expect(c.remote_write).toEqual([{ url: 'http://victoriametrics:8428/api/v1/write', name: 'victoriametrics', write_relabel_configs: [{ action: 'labeldrop', regex: 'prometheus_replica' }] }]);
    }
    const compose = parse(files.get('docker-compose.yml')!) as { services: Record<string, { command: string[] }> };
    expect(compose.services.victoriametrics!.command).toContain('-dedup.minScrapeInterval=15s');
    const ds = parse(files.get('grafana/provisioning/datasources/datasources.yml')!) as { datasources: { type: string; url: string }[] };
    expect(ds.datasources.find((d) => d.type === 'prometheus')!.url).toBe('http://victoriametrics:8428');
  });

  it('keeps the replica label for a store that dedups by it (Mimir HA tracker, Thanos)', () => {
    const props = haProps();
    const p = props.prometheus as Obj;
    const f = filesOf(defineStack({ ...props, prometheus: { ...p, longTermStore: undefined, remoteWrite: [{ url: 'https://mimir.example.com/api/v1/push', keepReplicaLabel: true }] } }));
    expect(yamlOf(f, 'prometheus/prometheus-0.yml').remote_write).toEqual([{ url: 'https://mimir.example.com/api/v1/push', name: 'mimir.example.com' }]);
  });
});

describe('shards', () => {
  const files = filesOf(shardedStack());
  const shards = [0, 1, 2].map((s) => yamlOf(files, `prometheus/prometheus-s${s}-0.yml`));

  it('puts every target on exactly one shard (the relabel rules evaluated)', () => {
    const extra = Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}:9100`);
    const job = (c: Obj) => c.scrape_configs.find((j: Obj) => j.job_name === 'nodes');
    const perShard = [0, 0, 0];
    for (const target of [...NODE_TARGETS, ...extra]) {
      const keptBy = shards.flatMap((c, s) => (relabel({ __address__: target, job: 'nodes' }, job(c).relabel_configs) ? [s] : []));
      expect(keptBy, target).toHaveLength(1);
      perShard[keptBy[0]!]!++;
    }
    // hashmod spreads them: no shard is empty or holds most of them.
    for (const n of perShard) expect(n).toBeGreaterThan(60);
    // Every job is sharded, its own relabelling after the shard's.
    for (const c of shards) for (const j of c.scrape_configs) expect(j.relabel_configs.slice(0, 2).map((r: Obj) => r.action)).toEqual(['hashmod', 'keep']);
  });

  it('labels each shard and leaves rules to vmalert over the store', () => {
    expect(shards.map((c) => c.global.external_labels.prometheus_shard)).toEqual(['0', '1', '2']);
    for (const c of shards) {
      expect(c.rule_files).toEqual([]);
      expect(c.global.external_labels.prometheus_replica).toBeUndefined();
    }
    const compose = parse(files.get('docker-compose.yml')!) as { services: Record<string, { command: string[]; volumes: string[] }> };
    const vmalert = compose.services.vmalert!;
    expect(vmalert.command).toEqual(
      expect.arrayContaining(['-rule=/etc/prometheus/rules/*.rules.yml', '-datasource.url=http://victoriametrics:8428', '-remoteWrite.url=http://victoriametrics:8428', '-notifier.url=http://alertmanager-0:9093', '-notifier.url=http://alertmanager-2:9093']),
    );
    expect(vmalert.volumes).toEqual(['./prometheus/rules:/etc/prometheus/rules:ro']);
  });
});

describe('vmalert replicas (shards > 1 with replicas > 1)', () => {
  const stack = defineStack(haProps({ name: 'ha-shard-pairs', prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { env: 'test' }, replicas: 2, shards: 2, longTermStore: { kind: 'victoriametrics' } } }));
  const files = filesOf(stack);
  const compose = parse(files.get('docker-compose.yml')!) as { services: Record<string, { command: string[] }> };
  const named = (prefix: string) => Object.keys(compose.services).filter((n) => n.startsWith(prefix)).sort();

  it('runs one vmalert per Prometheus replica, as the store and the Alertmanager peers see them', () => {
    expect(named('prometheus')).toEqual(['prometheus-s0-0', 'prometheus-s0-1', 'prometheus-s1-0', 'prometheus-s1-1']);
    expect(named('vmalert')).toEqual(['vmalert-0', 'vmalert-1']);
    // Prometheus scrapes both (their own job), so a dead evaluator shows.
    const prom = yamlOf(files, 'prometheus/prometheus-s0-0.yml');
    expect(prom.scrape_configs.find((j: Obj) => j.job_name === 'vmalert').static_configs).toEqual([{ targets: ['vmalert-0:8880', 'vmalert-1:8880'] }]);
  });

  it('gives the replicas identical commands (no replica label): the store dedups their recorded series, Alertmanager their alerts', () => {
    const [a, b] = [compose.services['vmalert-0']!.command, compose.services['vmalert-1']!.command];
    expect(a).toEqual(b);
    expect(a.filter((f) => f.startsWith('-external.label='))).toEqual(['-external.label=env=test']);
    // Every replica notifies every peer and writes to the store, which keeps one sample per interval.
    expect(a.filter((f) => f.startsWith('-notifier.url='))).toEqual(['-notifier.url=http://alertmanager-0:9093', '-notifier.url=http://alertmanager-1:9093', '-notifier.url=http://alertmanager-2:9093']);
    expect(a).toContain('-remoteWrite.url=http://victoriametrics:8428');
    expect(compose.services.victoriametrics!.command).toContain('-dedup.minScrapeInterval=15s');
  });
});

describe('remote_write', () => {
  it('references credentials by file and mounts them as compose secrets', () => {
    const props = haProps();
    const p = props.prometheus as Obj;
    const f = filesOf(
      defineStack({
        ...props,
        prometheus: {
          ...p,
          remoteWrite: [
            { url: 'https://mimir.example.com/api/v1/push', name: 'mimir', basicAuth: { username: 'tenant-1', passwordFile: '/run/secrets/mimir_password' }, queue: { maxShards: 30, capacity: 20000, batchSendDeadline: '10s' } },
            { url: 'https://thanos.example.com/api/v1/receive', bearerTokenFile: '/run/secrets/thanos_token', remoteTimeout: '10s' },
          ],
        },
      }),
    );
    const rw = yamlOf(f, 'prometheus/prometheus-1.yml').remote_write as Obj[];
    expect(rw[0]).toEqual({
      url: 'https://mimir.example.com/api/v1/push',
      name: 'mimir',
      basic_auth: { username: 'tenant-1', password_file: '/run/secrets/mimir_password' },
      queue_config: { capacity: 20000, max_shards: 30, batch_send_deadline: '10s' },
      write_relabel_configs: [{ action: 'labeldrop', regex: 'prometheus_replica' }],
    });
    expect(rw[1]).toMatchObject({ url: 'https://thanos.example.com/api/v1/receive', remote_timeout: '10s', authorization: { type: 'Bearer', credentials_file: '/run/secrets/thanos_token' } });
    expect(rw[2]!.url).toBe('http://victoriametrics:8428/api/v1/write');
    const compose = parse(f.get('docker-compose.yml')!) as { services: Record<string, { secrets?: string[] }>; secrets: Record<string, { file: string }> };
    for (const s of ['prometheus-0', 'prometheus-1']) expect(compose.services[s]!.secrets).toEqual(['mimir_password', 'thanos_token']);
    expect(compose.secrets.mimir_password).toEqual({ file: './secrets/mimir_password' });
    for (const [path, text] of f) expect(text, path).not.toMatch(/^\s*(password|credentials|bearer_token):/m);
  });
});

describe('bad props', () => {
  const errorsOf = (over: Obj, alerting?: Obj) => {
    const props = haProps();
    const r = trySynth(defineStack({ ...props, prometheus: { ...(props.prometheus as Obj), ...over }, ...(alerting ? { alerting: { ...(props.alerting as Obj), ...alerting } } : {}) } as never));
    expect(r.bundle).toBeUndefined();
    return r.diagnostics.items.filter((d) => d.severity === 'error').map((d) => ({ path: d.path, message: d.message, value: d.value, hint: d.hint }));
  };

  it('reports every bad knob at once, each with its path, value and a fix', () => {
    const errors = errorsOf(
      { shards: 0, replicas: 1.5, remoteWrite: [{ url: 'https://user:s3cret@mimir.example.com/api/v1/push' }, { url: 'https://thanos.example.com/receive?token=abc' }, { url: 'ftp://x' }] },
      { peers: 0 },
    );
    const at = (path: string) => errors.find((e) => e.path === path);
    expect(at('prometheus.shards')).toMatchObject({ message: 'must be between 1 and 64', value: 0, hint: expect.stringContaining('shards: 1') });
    expect(at('prometheus.replicas')?.message).toMatch(/integer|int/);
    expect(at('prometheus.remoteWrite[0].url')).toMatchObject({ message: expect.stringContaining('carries credentials'), hint: expect.stringContaining('passwordFile') });
    expect(JSON.stringify(errors)).not.toContain('s3cret');
    expect(at('prometheus.remoteWrite[1].url')).toMatchObject({ message: expect.stringContaining('token'), hint: expect.stringContaining('bearerTokenFile') });
    expect(JSON.stringify(errors)).not.toContain('abc');
    expect(at('prometheus.remoteWrite[2].url')?.message).toContain('scheme ftp');
    expect(at('alerting.peers')).toMatchObject({ message: 'must be between 1 and 9', value: 0 });
  });

  it('refuses shards without a store that gives rules the whole picture', () => {
    const errors = errorsOf({ shards: 2, longTermStore: undefined });
    expect(errors).toEqual([expect.objectContaining({ path: 'prometheus.shards', value: 2, hint: expect.stringContaining("longTermStore: { kind: 'victoriametrics' }") })]);
  });

  it('refuses colliding labels, two credentials, duplicate stores and a queue out of order', () => {
    const errors = errorsOf({
      externalLabels: { prometheus_replica: 'x' },
      remoteWrite: [
        { url: 'https://a.example.com/w', basicAuth: { username: 'u', passwordFile: '/run/secrets/p' }, bearerTokenFile: '/run/secrets/t', queue: { minShards: 5, maxShards: 2 } },
        { url: 'https://a.example.com/w', name: 'other' },
      ],
    });
    const paths = errors.map((e) => e.path).sort();
    expect(paths).toEqual(['prometheus.remoteWrite[0].bearerTokenFile', 'prometheus.remoteWrite[0].queue.minShards']);
    const errors2 = errorsOf({ externalLabels: { prometheus_replica: 'x' }, remoteWrite: [{ url: 'https://a.example.com/w' }, { url: 'https://a.example.com/w', name: 'other' }] });
    expect(errors2.map((e) => e.path).sort()).toEqual(['prometheus.remoteWrite[1]', 'prometheus.replicaLabel']);
  });
});

describe('determinism and the single-server layout', () => {
  it('writes byte-identical bundles for the same HA stack', () => {
    const a = filesOf(shardedStack());
    const b = filesOf(shardedStack());
    expect([...a.entries()]).toEqual([...b.entries()]);
  });

  it('keeps prometheus/prometheus.yml and the plain service names without HA props', () => {
    const props = haProps();
    const f = filesOf(defineStack({ ...props, prometheus: { externalLabels: { env: 'test' } }, alerting: { ...(props.alerting as Obj), peers: 1 } } as never));
    const c = yamlOf(f, 'prometheus/prometheus.yml');
    expect(c.remote_write).toBeUndefined();
    expect(c.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] });
    const compose = parse(f.get('docker-compose.yml')!) as { services: Record<string, { command?: string[] }> };
    expect(Object.keys(compose.services)).toEqual(['prometheus', 'alertmanager', 'grafana']);
    expect(compose.services.alertmanager!.command!.some((x) => x.startsWith('--cluster'))).toBe(false);
  });
});
