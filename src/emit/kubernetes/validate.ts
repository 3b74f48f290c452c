/**
 * Every object against the operator's CRD schemas (and Kubernetes' own for ConfigMap and
 * Secret), with the maintained models of @kubernetes-models: an object the API server would
 * refuse fails the build here, naming the object, the field path and the stack prop it comes from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostics } from '../../core/diagnostics.ts';
import type { KubeObject } from './common.ts';
import { nearestField, unknownFields } from './fields.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;
type Module = Record<string, ModelClass>;

interface SchemaError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Model class per `apiVersion kind`, and the module each comes from. */
const KINDS: [key: string, module: keyof typeof FILES, name: string][] = [
  ['monitoring.coreos.com/v1 PrometheusRule', 'v1', 'PrometheusRule'],
  ['monitoring.coreos.com/v1 ServiceMonitor', 'v1', 'ServiceMonitor'],
  ['monitoring.coreos.com/v1 PodMonitor', 'v1', 'PodMonitor'],
  ['monitoring.coreos.com/v1 Probe', 'v1', 'Probe'],
  ['monitoring.coreos.com/v1alpha1 ScrapeConfig', 'v1alpha1', 'ScrapeConfig'],
  ['monitoring.coreos.com/v1alpha1 AlertmanagerConfig', 'v1alpha1', 'AlertmanagerConfig'],
  ['monitoring.coreos.com/v1 Prometheus', 'v1', 'Prometheus'],
  ['monitoring.coreos.com/v1 Alertmanager', 'v1', 'Alertmanager'],
  ['monitoring.coreos.com/v1 ThanosRuler', 'v1', 'ThanosRuler'],
  ['v1 ConfigMap', 'core', 'ConfigMap'],
  ['v1 Secret', 'core', 'Secret'],
  ['v1 Service', 'core', 'Service'],
  ['v1 ServiceAccount', 'core', 'ServiceAccount'],
  ['rbac.authorization.k8s.io/v1 ClusterRole', 'rbac', 'ClusterRole'],
  ['rbac.authorization.k8s.io/v1 ClusterRoleBinding', 'rbac', 'ClusterRoleBinding'],
];
const FILES = {
  v1: ['@kubernetes-models/prometheus-operator', 'monitoring.coreos.com/v1/index.js'],
  v1alpha1: ['@kubernetes-models/prometheus-operator', 'monitoring.coreos.com/v1alpha1/index.js'],
  core: ['kubernetes-models', 'v1/index.js'],
  rbac: ['kubernetes-models', 'rbac.authorization.k8s.io/v1/index.js'],
} as const;

function table(mods: Record<keyof typeof FILES, Module>): Record<string, ModelClass> {
  return Object.fromEntries(KINDS.map(([key, mod, name]) => [key, mods[mod][name]!]));
}

/** The models' files by path: their package exports only an `import` condition. */
function modelFile(mod: keyof typeof FILES): string {
  const [pkg, file] = FILES[mod];
  const req = createRequire(import.meta.url);
  for (const dir of req.resolve.paths(pkg) ?? []) {
    const p = join(dir, pkg, file);
    if (existsSync(p)) return p;
  }
  throw new Error(`cannot find ${pkg}/${file}: run npm install`);
}

/**
 * The models are ES modules whose package exports only an `import` condition, while a CommonJS
 * stack file loads obsgen through require: a static import would make loading obsgen fail there.
 * So they load on first use: imported ahead by the CLI (preloadKubernetesModels), else required
 * by path (Node 20.19+ requires ES modules), else, where a require hook compiles them to
 * CommonJS and breaks their imports (tsx), validated in a child Node process.
 */
let models: Record<string, ModelClass> | undefined;
let inChild = false;

export async function preloadKubernetesModels(): Promise<void> {
  if (models) return;
  const [v1, v1alpha1, core, rbac] = await Promise.all([
    import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
    import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1'),
    import('kubernetes-models/v1'),
    import('kubernetes-models/rbac.authorization.k8s.io/v1'),
  ]);
  models = table({ v1: v1 as unknown as Module, v1alpha1: v1alpha1 as unknown as Module, core: core as unknown as Module, rbac: rbac as unknown as Module });
}

function loadModels(): Record<string, ModelClass> | undefined {
  if (models || inChild) return models;
  try {
    const req = createRequire(import.meta.url);
    models = table({ v1: req(modelFile('v1')) as Module, v1alpha1: req(modelFile('v1alpha1')) as Module, core: req(modelFile('core')) as Module, rbac: req(modelFile('rbac')) as Module });
  } catch {
    inChild = true;
  }
  return models;
}

function errorsOf(Model: ModelClass | undefined, o: unknown): SchemaError[] {
  if (!Model) return [];
  try {
    new Model(o as never).validate();
    return [];
  } catch (e) {
    return ((e as { errors?: SchemaError[] }).errors ?? [{ message: (e as Error).message }]) as SchemaError[];
  }
}

/** Validates in a plain Node process (no require hooks), objects in on stdin, errors out on stdout. */
function errorsInChild(objects: Record<string, unknown>[]): SchemaError[][] {
  const urls = Object.fromEntries((Object.keys(FILES) as (keyof typeof FILES)[]).map((m) => [m, pathToFileURL(modelFile(m)).href]));
  const script = `
const mods = { v1: await import(${JSON.stringify(urls.v1)}), v1alpha1: await import(${JSON.stringify(urls.v1alpha1)}), core: await import(${JSON.stringify(urls.core)}), rbac: await import(${JSON.stringify(urls.rbac)}) };
const kinds = ${JSON.stringify(KINDS)};
let input = '';
for await (const c of process.stdin) input += c;
const out = JSON.parse(input).map((o) => {
  const k = kinds.find(([key]) => key === o.apiVersion + ' ' + o.kind);
  if (!k) return [];
  try { new mods[k[1]][k[2]](o).validate(); return []; } catch (e) { return (e.errors ?? [{ message: e.message }]).map((x) => ({ instancePath: x.instancePath, message: x.message, params: x.params })); }
});
process.stdout.write(JSON.stringify(out));`;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(objects), encoding: 'utf8', env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`validating the Kubernetes objects failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as SchemaError[][];
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

export interface SchemaProblem {
  path: string;
  message: string;
  value: unknown;
}

/** The schema problems of each object: field path, message, the value there. */
export function schemaProblemsOf(objects: Record<string, unknown>[]): SchemaProblem[][] {
  const keyOf = (o: Record<string, unknown>) => `${String(o.apiVersion)} ${String(o.kind)}`;
  const known = new Set(KINDS.map(([k]) => k));
  const loaded = loadModels();
  const errors = loaded ? objects.map((o) => errorsOf(loaded[keyOf(o)], o)) : errorsInChild(objects);
  return objects.map((o, i) => {
    if (!known.has(keyOf(o))) return [{ path: 'kind', message: `${keyOf(o)} is not an object obsgen validates`, value: o.kind }];
    const schema = errors[i]!.map((err) => {
      const allowed = err.params?.allowedValues as unknown[] | undefined;
      return {
        path: fieldPath(err.instancePath ?? ''),
        message: `${err.message ?? 'is invalid'}${allowed ? ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})` : ''}`,
        value: valueAt(o, err.instancePath ?? ''),
      };
    });
    // The validators let unknown fields through; the API server would prune them silently.
    const unknown = unknownFields(o).map((u) => {
      const near = nearestField(u.field, u.known);
      return { path: u.path, message: `is not a field of ${u.type} (the API server would drop it)${near ? `: did you mean ${near}?` : ''}`, value: u.value };
    });
    return [...schema, ...unknown];
  });
}

export function schemaProblems(o: Record<string, unknown>): SchemaProblem[] {
  return schemaProblemsOf([o])[0]!;
}

export function validateObjects(objects: KubeObject[], diag: Diagnostics): void {
  const problems = schemaProblemsOf(objects.map((k) => k.object));
  objects.forEach((k, i) => {
    const name = String((k.object.metadata as { name?: string } | undefined)?.name);
    for (const p of problems[i]!) {
      diag.error(k.source, 'kubernetes-schema', `kubernetes/${k.file}: ${String(k.object.kind)} ${name}: ${p.path || '(object)'} ${p.message}`, {
        value: p.value,
        hint: 'the prometheus-operator CRD would refuse this object: fix the prop this field comes from (docs/kubernetes.md maps them), or report it as an obsgen bug if it is generated',
      });
    }
  });
}
