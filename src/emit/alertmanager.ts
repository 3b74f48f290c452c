/** alertmanager/alertmanager.yml and alertmanager/routes.test.json. */
import { alertmanagerYaml } from '../alertmanager/build.ts';
import type { Bundle } from '../stack/bundle.ts';
import { GENERATED, toYaml } from './yaml.ts';

export function alertmanagerFile(bundle: Bundle): string {
  return toYaml(alertmanagerYaml(bundle.alerting, bundle.inhibitRules), GENERATED);
}

export function routeTestsFile(bundle: Bundle): string {
  const cases = bundle.routeTests.map((t) => ({
    name: t.name,
    labels: Object.fromEntries(Object.keys(t.labels).sort().map((k) => [k, t.labels[k]!])),
    receivers: t.receivers,
  }));
  const sorted = (l: Record<string, string>) => Object.fromEntries(Object.keys(l).sort().map((k) => [k, l[k]!]));
  const inhibitions = bundle.inhibitionTests.map((t) => ({ ...t, source: sorted(t.source), target: sorted(t.target) }));
  return `${JSON.stringify({ cases, inhibitions }, null, 2)}\n`;
}
