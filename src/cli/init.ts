/**
 * `obsgen init`: what a project needs to keep its monitoring as code with obsgen: a stack
 * file to start from, a tsconfig that type-checks it, package.json scripts and a CI
 * workflow. Files that exist are kept as they are (package.json gains only missing scripts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { flag, type Args } from './args.ts';

const STACK_NAME = /^[a-z][a-z0-9-]*$/;

export function stackTemplate(name: string): string {
  return `/**
 * ${name}: the monitoring of one system, as code. \`npx obsgen build\` turns this file into
 * out/${name}/ (Prometheus, Alertmanager, Grafana, runbooks, docker-compose.yml);
 * \`npx obsgen test\` runs the generated rule tests. Props and defaults: obsgen's README.
 */
import { defineStack, host, httpService } from 'obsgen';

export default defineStack({
  name: '${name}',
  prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { env: 'prod' } },
  services: [
    httpService({
      name: 'api',
      targets: ['api:8000'],
      metrics: { requests: 'http_requests_total', duration: 'http_request_duration_seconds', codeLabel: 'code' },
      slos: [
        { name: 'availability', objective: 99.9, window: '30d', sli: { errorRatio: {} } },
        // The threshold must be a bucket of the histogram (prom-client's defaults here).
        { name: 'latency', objective: 99, window: '30d', sli: { latency: { below: '250ms' } } },
      ],
      alerts: { errorRatio: { above: 0.05, for: '5m' } },
    }),
  ],
  mixins: [host({ targets: ['node-exporter:9100'] })],
  alerting: {
    receivers: {
      // Secrets come from files the compose stack mounts; obsgen never writes one.
      oncall: { pagerduty: { routingKeyFile: '/run/secrets/pagerduty_routing_key' } },
      team: { slack: { apiUrlFile: '/run/secrets/slack_api_url', channel: '#alerts' } },
    },
    routes: [
      { match: { severity: 'critical' }, receiver: 'oncall' },
      { match: { severity: 'warning' }, receiver: 'team' },
    ],
  },
});
`;
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "skipLibCheck": true,
    "noEmit": true
  },
  "include": ["stacks"]
}
`;

const WORKFLOW = `# Builds, lints and tests the monitoring bundles on every change.
name: observability
on: [push, pull_request]
jobs:
  obsgen:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20 }
      - run: sudo apt-get update && sudo apt-get install -y prometheus prometheus-alertmanager docker-compose
      - run: npm ci
      - run: npx tsc --noEmit
      - run: npm run build
      - run: npm run lint
      - run: npm test
      - uses: actions/upload-artifact@v4
        with: { name: bundles, path: out/ }
`;

const SCRIPTS: Record<string, string> = { build: 'obsgen build', test: 'obsgen test', lint: 'obsgen lint', typecheck: 'tsc --noEmit' };

function defaultName(dir: string): string {
  let name = basename(dir);
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    try {
      const n = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
      if (n) name = n.replace(/^@[^/]+\//, '');
    } catch {
      // an unreadable package.json is reported when it is updated
    }
  }
  const clean = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+|-+$/g, '');
  return STACK_NAME.test(clean) ? clean : 'my-stack';
}

export interface InitResult {
  created: string[];
  kept: string[];
  updated: string[];
  errors: string[];
}

export function initProject(dir: string, name: string): InitResult {
  const r: InitResult = { created: [], kept: [], updated: [], errors: [] };
  if (!STACK_NAME.test(name)) {
    r.errors.push(`--name ${JSON.stringify(name)} is not a stack name; use lowercase letters, digits and -, starting with a letter (e.g. shop-api)`);
    return r;
  }
  const write = (rel: string, text: string) => {
    const full = join(dir, rel);
    if (existsSync(full)) return void r.kept.push(rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    r.created.push(rel);
  };
  write(join('stacks', `${name}.ts`), stackTemplate(name));
  write('tsconfig.json', TSCONFIG);
  write(join('.github', 'workflows', 'observability.yml'), WORKFLOW);

  const pkgFile = join(dir, 'package.json');
  let pkg: Record<string, unknown> = { name, private: true, type: 'module' };
  if (existsSync(pkgFile)) {
    try {
      pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      r.errors.push(`package.json is not valid JSON (${(e as Error).message}); fix it, then run obsgen init again`);
      return r;
    }
  }
  const scripts = { ...((pkg.scripts as Record<string, string> | undefined) ?? {}) };
  const added = Object.keys(SCRIPTS).filter((k) => !(k in scripts));
  for (const k of added) scripts[k] = SCRIPTS[k]!;
  const existed = existsSync(pkgFile);
  if (!existed || added.length) {
    pkg.scripts = scripts;
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    (existed ? r.updated : r.created).push(`package.json (scripts: ${added.join(', ')})`);
  } else r.kept.push('package.json');

  const ignore = join(dir, '.gitignore');
  const lines = existsSync(ignore) ? readFileSync(ignore, 'utf8').split('\n') : [];
  if (!lines.some((l) => /^\/?out\/?$/.test(l.trim()))) {
    writeFileSync(ignore, `${lines.join('\n').replace(/\n*$/, lines.length ? '\n' : '')}out/\n`);
    r.updated.push('.gitignore (out/)');
  }
  return r;
}

export function cmdInit(args: Args): number {
  const dir = resolve(flag(args, 'dir') ?? '.');
  const name = flag(args, 'name') ?? defaultName(dir);
  const r = initProject(dir, name);
  for (const e of r.errors) console.error(`error: ${e}`);
  if (r.errors.length) return 1;
  for (const f of r.created) console.log(`created ${f}`);
  for (const f of r.updated) console.log(`updated ${f}`);
  for (const f of r.kept) console.log(`kept    ${f} (exists)`);
  console.log(`
Next:
  npm install --save-dev typescript    # for npm run typecheck
  npx obsgen build                     # out/${name}/
  npx obsgen test                      # the generated rule tests (promtool, amtool)`);
  return 0;
}
