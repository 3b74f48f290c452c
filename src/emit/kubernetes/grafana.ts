/**
 * Dashboards and the datasource as ConfigMaps for the Grafana sidecar (kube-prometheus-stack's
 * grafana chart: `grafana_dashboard: "1"` and `grafana_datasource: "1"` labels, folder from an
 * annotation). The dashboard JSON is byte for byte the compose bundle's file.
 */
import type { Bundle } from '../../stack/bundle.ts';
import type { KubernetesTargetConfig } from '../../stack/targets.ts';
import { toYaml, sortKeys } from '../yaml.ts';
import { type KubeObject, metadata, objectName } from './common.ts';

export function dashboardConfigMaps(bundle: Bundle, config: KubernetesTargetConfig): KubeObject[] {
  return bundle.dashboards.map((d) => {
    const name = objectName('grafana-dashboard', d.uid);
    return {
      file: `configmap-${name}.yaml`,
      source: d.source,
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: metadata(name, config.namespace, bundle.stack, { grafana_dashboard: '1' }, { [config.grafana.folderAnnotation]: d.folder }),
        data: { [`${d.uid}.json`]: `${JSON.stringify(sortKeys(d.model), null, 2)}\n` },
      },
    };
  });
}

export function datasourceConfigMap(bundle: Bundle, config: KubernetesTargetConfig): KubeObject {
  const ns = config.namespace;
  const name = objectName(bundle.stack, 'grafana-datasource');
  const datasources = {
    apiVersion: 1,
    datasources: [
      {
        name: bundle.grafana.datasourceName,
        type: 'prometheus',
        uid: bundle.grafana.datasourceUid,
        access: 'proxy',
        url: config.grafana.prometheusUrl ?? `http://prometheus-operated.${ns}.svc:9090`,
        // The chart's own datasource is the default; two defaults make Grafana refuse both.
        isDefault: false,
        editable: false,
        jsonData: { httpMethod: 'POST', timeInterval: bundle.globals.scrapeInterval, prometheusType: 'Prometheus' },
      },
      {
        // The uid dashboards may reference (as in compose).
        name: 'Alertmanager',
        type: 'alertmanager',
        uid: 'alertmanager',
        access: 'proxy',
        url: config.grafana.alertmanagerUrl ?? `http://alertmanager-operated.${ns}.svc:9093`,
        editable: false,
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
  return {
    file: `configmap-${name}.yaml`,
    source: 'grafana',
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(name, ns, bundle.stack, { grafana_datasource: '1' }),
      data: { 'datasources.yaml': toYaml(datasources) },
    },
  };
}
