// Collects the public dashboard corpus of docs/import.md into $OBSGEN_DASH_CORPUS (default
// /tmp/obsgen-dash-corpus), outside the repository: rendered mixin dashboards
// (monitoring-mixins/website), kube-prometheus's dashboard ConfigMaps, thanos's examples and
// grafana.com-style exports (rfmoz/grafana-dashboards). Reads bare clones under $OBSGEN_MIRRORS
// (<owner>+<name>/repo, e.g. git clone --bare --depth 1 https://github.com/<owner>/<name> <dir>/repo).
//   node scripts/import-dashboards-corpus.mjs && OBSGEN_DASH_CORPUS=/tmp/obsgen-dash-corpus npx tsx scripts/import-dashboards-roundtrip.ts
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../package.json', import.meta.url));
const YAML = require('yaml');
const root = process.env.OBSGEN_DASH_CORPUS ?? '/tmp/obsgen-dash-corpus';
const M = process.env.OBSGEN_MIRRORS ?? join(root, 'mirrors');
const git = (repo, ...a) => {
  const dir = `${M}/${repo}/repo`;
  if (!existsSync(dir)) {
    console.error(`missing ${dir}: bare-clone ${repo.replace('+', '/')} there (or set OBSGEN_MIRRORS)`);
    process.exit(1);
  }
  return execFileSync('git', ['--git-dir', dir, ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });
};
const ls = (repo) => git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n').filter(Boolean);
const show = (repo, p) => git(repo, 'show', `HEAD:${p}`);
const put = (dir, name, text) => {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, name), text);
};
for (const d of ['mixins', 'kube-prometheus', 'thanos', 'grafana-com']) rmSync(join(root, d), { recursive: true, force: true });
// <mixin>__<dashboard>.json: the round trip imports a mixin's dashboards together (their links resolve).
for (const p of ls('monitoring-mixins+website').filter((f) => /^assets\/[^/]+\/dashboards\/.*\.json$/.test(f))) {
  put('mixins', p.replace(/^assets\//, '').replace('/dashboards/', '__').replace(/\//g, '__'), show('monitoring-mixins+website', p));
}
const cms = YAML.parse(show('prometheus-operator+kube-prometheus', 'manifests/grafana-dashboardDefinitions.yaml'));
for (const item of cms.items ?? [cms]) for (const [k, v] of Object.entries(item.data ?? {})) put('kube-prometheus', k, v);
for (const p of ls('thanos-io+thanos').filter((f) => /^examples\/dashboards\/.*\.json$/.test(f))) put('thanos', basename(p), show('thanos-io+thanos', p));
for (const p of ls('rfmoz+grafana-dashboards').filter((f) => f.endsWith('.json'))) put('grafana-com', `rfmoz__${p.replace(/\//g, '__')}`, show('rfmoz+grafana-dashboards', p));
