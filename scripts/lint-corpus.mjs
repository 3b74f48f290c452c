// Builds the public rule-file corpus of docs/lint.md ("Measured on public rule sets"):
// $OBSGEN_CORPUS/files/<source>/<name>.yml (default /tmp/obsgen-lint-corpus), keeping only
// files `promtool check rules` accepts. PrometheusRule objects are unwrapped to plain rule files.
//   node scripts/lint-corpus.mjs && OBSGEN_CORPUS=/tmp/obsgen-lint-corpus npm run bench -- lint-corpus
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
const root = process.env.OBSGEN_CORPUS ?? '/tmp/obsgen-lint-corpus';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../package.json', import.meta.url));
const YAML = require('yaml');
// Git dirs: $OBSGEN_MIRRORS/<owner>+<name>/repo, bare clones of the sources below that you fetch
// yourself (git clone --bare --depth 1 <owner>/<name> into that folder).
const M = process.env.OBSGEN_MIRRORS ?? join(root, 'mirrors');
const out = join(root, 'files');
rmSync(out, { recursive: true, force: true });
function ensure(repo) {
  const dir = `${M}/${repo}/repo`;
  if (!existsSync(dir)) {
    console.error(`missing ${dir}: bare-clone ${repo.replace('+', '/')} there (or set OBSGEN_MIRRORS to where your clones are)`);
    process.exit(1);
  }
}
const git = (repo, ...a) => execFileSync('git', ['--git-dir', `${M}/${repo}/repo`, ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });
const ls = (repo) => git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n').filter(Boolean);
const show = (repo, p) => git(repo, 'show', `HEAD:${p}`);
const sources = [
  { repo: 'samber+awesome-prometheus-alerts', tag: 'awesome', re: /^dist\/rules\/.*\.ya?ml$/ },
  { repo: 'monitoring-mixins+website', tag: 'mixins', re: /^assets\/[^/]+\/(alerts|rules)\.ya?ml$/ },
  { repo: 'prometheus-operator+kube-prometheus', tag: 'kube-prometheus', re: /^manifests\/[^/]*prometheusRule\.yaml$/, crd: true },
  { repo: 'openshift+cluster-monitoring-operator', tag: 'openshift', re: /^assets\/.*prometheus-rule.*\.yaml$/, crd: true },
  { repo: 'thanos-io+thanos', tag: 'thanos', re: /^examples\/alerts\/(alerts|rules)\.yaml$/ },
  { repo: 'slok+sloth', tag: 'sloth', re: /^examples\/_gen\/.*\.ya?ml$/ },
];
const kept = [], dropped = [];
for (const s of sources) {
  ensure(s.repo);
  for (const p of ls(s.repo).filter((f) => s.re.test(f))) {
    let text = show(s.repo, p);
    if (s.crd) {
      const docs = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d?.kind === 'PrometheusRule');
      if (!docs.length) continue;
      text = YAML.stringify({ groups: docs.flatMap((d) => d.spec.groups ?? []) }, { lineWidth: 0 });
    }
    const name = p.replace(/^(dist\/rules\/|assets\/|manifests\/|examples\/)/, '').replace(/\//g, '__').replace(/\.ya?ml$/, '') + '.yml';
    const dir = `${out}/${s.tag}`;
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/${name}`;
    writeFileSync(file, text);
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    if (r.status === 0) kept.push(file);
    else { dropped.push(`${file}: ${(r.stderr + r.stdout).split('\n').filter((l) => /FAILED|error|err/i.test(l)).slice(0, 2).join(' | ')}`); rmSync(file); }
  }
}
writeFileSync(join(root, 'kept.txt'), kept.join('\n') + '\n');
writeFileSync(join(root, 'dropped.txt'), dropped.join('\n') + '\n');
copyFileSync(new URL('./lint-corpus.prometheus.yml', import.meta.url), join(root, 'prometheus.yml'));
console.log(`kept ${kept.length}, dropped ${dropped.length} (${root})`);
