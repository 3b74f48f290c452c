/** Bundle -> every file of out/<stack>/, in memory, with manifest.json last. */
import { createHash } from 'node:crypto';
import type { Bundle } from '../stack/bundle.ts';
import { routeTestsFile } from './alertmanager.ts';
import { composeFile, composeServiceFiles, secretsReadme } from './compose.ts';
import { dashboardFiles, dashboardProvidersFile, datasourcesFile } from './grafana.ts';
import { prometheusConfig, RULES_DIR, ruleFileName, ruleFileYaml } from './prometheus.ts';
import { alertmanagerYaml } from '../alertmanager/build.ts';
import { bundledTemplatePath } from '../alertmanager/schema.ts';
import { GENERATED, toYaml } from './yaml.ts';
import { serverConfigs } from './topology.ts';
import { kubernetesFiles } from './kubernetes/index.ts';
import { runbookFiles } from './runbooks.ts';
import { guestScenarios, recordProducers, testFile } from './tests.ts';

/** Promtool tests step one minute at a time: scenarios are written against that. */
export const TEST_EVALUATION_INTERVAL = '1m';

export interface BundleFiles {
  files: Map<string, string>;
  counts: Record<string, number>;
}

export function bundleFiles(bundle: Bundle): BundleFiles {
  const files = new Map<string, string>();
  // Rules, their tests, runbooks and the Alertmanager config (route tests run on it) are every
  // target's; the rest is compose's. One config per Prometheus server (prometheus/prometheus.yml
  // when there is one server).
  const compose = bundle.targets.includes('compose');
  const serverConfigsByPath = serverConfigs(prometheusConfig(bundle), bundle);
  if (compose) for (const [p, c] of serverConfigsByPath) files.set(p, toYaml(c, GENERATED));
  let testCases = 0;
  const producers = recordProducers(bundle.ruleGroups);
  const guests = guestScenarios(bundle.ruleGroups);
  for (const group of bundle.ruleGroups) {
    files.set(`${RULES_DIR}/${ruleFileName(group)}`, ruleFileYaml(group));
    const t = testFile(group, producers, TEST_EVALUATION_INTERVAL, guests.get(group.name));
    if (t) {
      files.set(t.path, t.content);
      testCases += t.cases;
    }
  }
  const amConfig = alertmanagerYaml(bundle.alerting, bundle.inhibitRules);
  files.set('alertmanager/alertmanager.yml', toYaml(amConfig, GENERATED));
  // Bundled notification templates, next to the config that reads them (templates/<name>).
  for (const t of bundle.alerting.templates ?? []) if (typeof t !== 'string') files.set(`alertmanager/${bundledTemplatePath(t.name)}`, t.content);
  files.set('alertmanager/routes.test.json', routeTestsFile(bundle));
  const runbooks = runbookFiles(bundle);
  for (const [p, c] of runbooks) files.set(p, c);
  if (compose) {
    files.set('grafana/provisioning/datasources/datasources.yml', datasourcesFile(bundle));
    files.set('grafana/provisioning/dashboards/dashboards.yml', dashboardProvidersFile());
    for (const [p, c] of dashboardFiles(bundle)) files.set(p, c);
    const composed = composeFile({ bundle, prometheusConfig: [...serverConfigsByPath.values()], alertmanagerConfig: amConfig });
    files.set('docker-compose.yml', composed.content);
    for (const [p, c] of composeServiceFiles(bundle)) files.set(p, c);
    files.set('secrets/README.md', secretsReadme(composed.secrets));
  }
  if (bundle.kubernetes) for (const [p, c] of kubernetesFiles(bundle.kubernetes, bundle.stack)) files.set(p, c);

  const rules = bundle.ruleGroups.flatMap((g) => g.rules);
  const counts = {
    scrapeJobs: bundle.scrapeJobs.length,
    ruleGroups: bundle.ruleGroups.length,
    recordingRules: rules.filter((r) => r.kind === 'record').length,
    alerts: rules.filter((r) => r.kind === 'alert').length,
    ruleTests: testCases,
    routeTests: bundle.routeTests.length,
    dashboards: bundle.dashboards.length,
    runbooks: runbooks.size,
    ...(bundle.kubernetes ? { kubernetesObjects: bundle.kubernetes.objects.length } : {}),
  };
  const sortedPaths = [...files.keys()].sort();
  const manifest = {
    stack: bundle.stack,
    generator: 'obsgen',
    counts,
    files: Object.fromEntries(sortedPaths.map((p) => [p, createHash('sha256').update(files.get(p)!).digest('hex')])),
  };
  const out = new Map<string, string>(sortedPaths.map((p) => [p, files.get(p)!]));
  out.set('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  return { files: out, counts };
}
