/**
 * Every object against the operator's CRD schemas (and Kubernetes' own for ConfigMap and
 * Secret), with the maintained models of @kubernetes-models: an object the API server would
 * refuse fails the build here, naming the object, the field path and the stack prop it comes from.
 */
import { PodMonitor, Probe, PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { AlertmanagerConfig, ScrapeConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1';
import { ConfigMap, Secret } from 'kubernetes-models/v1';
import type { Diagnostics } from '../../core/diagnostics.ts';
import type { KubeObject } from './common.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'monitoring.coreos.com/v1 PrometheusRule': PrometheusRule as unknown as ModelClass,
  'monitoring.coreos.com/v1 ServiceMonitor': ServiceMonitor as unknown as ModelClass,
  'monitoring.coreos.com/v1 PodMonitor': PodMonitor as unknown as ModelClass,
  'monitoring.coreos.com/v1 Probe': Probe as unknown as ModelClass,
  'monitoring.coreos.com/v1alpha1 ScrapeConfig': ScrapeConfig as unknown as ModelClass,
  'monitoring.coreos.com/v1alpha1 AlertmanagerConfig': AlertmanagerConfig as unknown as ModelClass,
  'v1 ConfigMap': ConfigMap as unknown as ModelClass,
  'v1 Secret': Secret as unknown as ModelClass,
};

interface SchemaError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/spec/endpoints/0/interval` -> `spec.endpoints[0].interval`. */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let node = obj;
  for (const p of instancePath.split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[p];
  return node;
}

/** The schema problems of one object, as `field.path: message` lines. */
export function schemaProblems(o: Record<string, unknown>): { path: string; message: string; value: unknown }[] {
  const key = `${String(o.apiVersion)} ${String(o.kind)}`;
  const Model = MODELS[key];
  if (!Model) return [{ path: 'kind', message: `${key} is not an object obsgen validates`, value: o.kind }];
  try {
    new Model(o as never).validate();
    return [];
  } catch (e) {
    const errors = ((e as { errors?: SchemaError[] }).errors ?? [{ message: (e as Error).message }]) as SchemaError[];
    return errors.map((err) => {
      const allowed = err.params?.allowedValues as unknown[] | undefined;
      return {
        path: fieldPath(err.instancePath ?? ''),
        message: `${err.message ?? 'is invalid'}${allowed ? ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})` : ''}`,
        value: valueAt(o, err.instancePath ?? ''),
      };
    });
  }
}

export function validateObjects(objects: KubeObject[], diag: Diagnostics): void {
  for (const k of objects) {
    const name = String((k.object.metadata as { name?: string } | undefined)?.name);
    for (const p of schemaProblems(k.object)) {
      diag.error(k.source, 'kubernetes-schema', `kubernetes/${k.file}: ${String(k.object.kind)} ${name}: ${p.path || '(object)'} ${p.message}`, {
        value: p.value,
        hint: "the prometheus-operator CRD would refuse this object: fix the prop this field comes from (docs/kubernetes.md maps them), or report it as an obsgen bug if it is generated",
      });
    }
  }
}
