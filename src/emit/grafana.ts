/** Grafana provisioning (datasource, dashboard provider) and the dashboard JSON files. */
import type { Bundle } from '../stack/bundle.ts';
import { GENERATED, sortKeys, toYaml } from './yaml.ts';

export const DASHBOARDS_MOUNT = '/var/lib/grafana/dashboards';

/**
 * Where Grafana queries: the long-term store when the stack has one (it holds every shard and
 * replica), else the first Prometheus server; its Alertmanager: the first peer.
 */
function queryUrls(bundle: Bundle): { prometheus: string; alertmanager: string } {
  const t = bundle.topology;
  return {
    prometheus: t.longTermStore ? t.longTermStore.queryUrl : `http://${t.servers[0]!.name}:9090`,
    alertmanager: `http://${t.alertmanagers[0]!}:9093`,
  };
}

/**
 * Grafana's provisioning document for the stack's Prometheus datasource (the uid every dashboard
 * references) and its Alertmanager, at the given URLs. `isDefault`: whether it is Grafana's
 * default datasource (not beside a chart's own default: two defaults make Grafana refuse both).
 */
export function datasourcesDocument(bundle: Pick<Bundle, 'grafana' | 'globals'>, urls: { prometheus: string; alertmanager: string }, isDefault: boolean): object {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: bundle.grafana.datasourceName,
        type: 'prometheus',
        uid: bundle.grafana.datasourceUid,
        access: 'proxy',
        url: urls.prometheus,
        isDefault,
        editable: false,
        jsonData: { httpMethod: 'POST', timeInterval: bundle.globals.scrapeInterval, prometheusType: 'Prometheus' },
      },
      {
        name: 'Alertmanager',
        type: 'alertmanager',
        uid: 'alertmanager',
        access: 'proxy',
        url: urls.alertmanager,
        editable: false,
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
}

export function datasourcesFile(bundle: Bundle): string {
  return toYaml(datasourcesDocument(bundle, queryUrls(bundle), true), GENERATED);
}

export function dashboardProvidersFile(): string {
  return toYaml(
    {
      apiVersion: 1,
      providers: [
        {
          name: 'obsgen',
          orgId: 1,
          type: 'file',
          disableDeletion: false,
          allowUiUpdates: false,
          updateIntervalSeconds: 30,
          options: { path: DASHBOARDS_MOUNT, foldersFromFilesStructure: true },
        },
      ],
    },
    GENERATED,
  );
}

export function dashboardFiles(bundle: Bundle): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of bundle.dashboards) {
    out.set(`grafana/dashboards/${d.folder}/${d.uid}.json`, `${JSON.stringify(sortKeys(d.model), null, 2)}\n`);
  }
  return out;
}
