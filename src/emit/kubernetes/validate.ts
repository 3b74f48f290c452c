/**
 * Every object against the operator's CRD schemas (and Kubernetes' own for ConfigMap and
 * Secret), with the maintained models of @kubernetes-models: an object the API server would
 * refuse fails the build here, naming the object, the field path and the stack prop it comes from.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Diagnostics } from '../../core/diagnostics.ts';
import type { KubeObject } from './common.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

type Module = Record<string, ModelClass>;

function table(v1: Module, v1alpha1: Module, core: Module): Record<string, ModelClass> {
  return {
    'monitoring.coreos.com/v1 PrometheusRule': v1.PrometheusRule!,
    'monitoring.coreos.com/v1 ServiceMonitor': v1.ServiceMonitor!,
    'monitoring.coreos.com/v1 PodMonitor': v1.PodMonitor!,
    'monitoring.coreos.com/v1 Probe': v1.Probe!,
    'monitoring.coreos.com/v1alpha1 ScrapeConfig': v1alpha1.ScrapeConfig!,
    'monitoring.coreos.com/v1alpha1 AlertmanagerConfig': v1alpha1.AlertmanagerConfig!,
    'v1 ConfigMap': core.ConfigMap!,
    'v1 Secret': core.Secret!,
  };
}

/**
 * The models ship as ES modules whose package exports only an `import` condition, while a
 * CommonJS stack file loads obsgen through require: a static import would make loading obsgen
 * fail there. The CLI imports them before it builds (preloadKubernetesModels); other callers
 * (tests, the API under Node 20.19+, which requires ES modules) get them by file path on first use.
 */
let models: Record<string, ModelClass> | undefined;

export async function preloadKubernetesModels(): Promise<void> {
  if (models) return;
  const [v1, v1alpha1, core] = await Promise.all([
    import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
    import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1'),
    import('kubernetes-models/v1'),
  ]);
  models = table(v1 as unknown as Module, v1alpha1 as unknown as Module, core as unknown as Module);
}

function loadModels(): Record<string, ModelClass> {
  if (models) return models;
  const req = createRequire(import.meta.url);
  const load = (pkg: string, file: string): Module => {
    for (const dir of req.resolve.paths(pkg) ?? []) {
      const p = join(dir, pkg, file);
      if (existsSync(p)) return req(p) as Module;
    }
    throw new Error(`cannot find ${pkg}/${file}: run npm install`);
  };
  models = table(
    load('@kubernetes-models/prometheus-operator', 'monitoring.coreos.com/v1/index.js'),
    load('@kubernetes-models/prometheus-operator', 'monitoring.coreos.com/v1alpha1/index.js'),
    load('kubernetes-models', 'v1/index.js'),
  );
  return models;
}

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
  const Model = loadModels()[key];
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
