/**
 * Dashboards and the datasource as ConfigMaps for the Grafana sidecar (kube-prometheus-stack's
 * grafana chart: `grafana_dashboard: "1"` and `grafana_datasource: "1"` labels, folder from an
 * annotation). The dashboard JSON is byte for byte the compose bundle's file.
 */
import type { Bundle } from '../../stack/bundle.ts';
import type { KubernetesTargetConfig } from '../../stack/targets.ts';
import { datasourcesDocument } from '../grafana.ts';
import { toYaml, sortKeys } from '../yaml.ts';
import { type KubeObject, metadata, objectName } from './common.ts';
import { storeUrl } from './servers.ts';

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
  // The chart's own datasource is the default; this one is not (two defaults make Grafana refuse both).
  // With a long-term store, Grafana reads it, as in compose: it holds every shard and replica.
  const datasources = datasourcesDocument(
    bundle,
    { prometheus: config.grafana.prometheusUrl ?? (bundle.topology.longTermStore ? storeUrl(config) : `http://prometheus-operated.${ns}.svc:9090`), alertmanager: config.grafana.alertmanagerUrl ?? `http://alertmanager-operated.${ns}.svc:9093` },
    false,
  );
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
