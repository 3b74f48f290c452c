/**
 * Generates src/emit/kubernetes/fields.generated.ts: the fields every object kind obsgen emits
 * may have, read from the @kubernetes-models interfaces (which mirror the CRD and Kubernetes
 * OpenAPI schemas) with the TypeScript compiler. The models' runtime validators let unknown
 * fields through (the API server would prune them silently); the build walks every object
 * against this tree instead (src/emit/kubernetes/fields.ts).
 *
 *   npx tsx scripts/kubernetes-fields.ts          # rewrite the file after a models upgrade
 *
 * test/kubernetes/fields.test.ts fails when the file differs from what this script generates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** A field's type: a named object type, an array or map of one, an inline object, or a leaf (0). */
export type FieldRef = 0 | string | { a: FieldRef } | { m: FieldRef } | { o: Record<string, FieldRef> };
export interface FieldTree {
  /** `apiVersion kind` -> root type name. */
  roots: Record<string, string>;
  /** Type name -> field -> its type. */
  types: Record<string, Record<string, FieldRef>>;
}

/** The kinds obsgen emits, as `apiVersion kind` and the module + interface declaring them. */
export const EMITTED_KINDS: [key: string, module: string, iface: string][] = [
  ['monitoring.coreos.com/v1 PrometheusRule', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'IPrometheusRule'],
  ['monitoring.coreos.com/v1 ServiceMonitor', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'IServiceMonitor'],
  ['monitoring.coreos.com/v1 PodMonitor', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'IPodMonitor'],
  ['monitoring.coreos.com/v1 Probe', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'IProbe'],
  ['monitoring.coreos.com/v1 Prometheus', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'IPrometheus'],
  ['monitoring.coreos.com/v1 Alertmanager', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'IAlertmanager'],
  ['monitoring.coreos.com/v1 ThanosRuler', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'IThanosRuler'],
  ['monitoring.coreos.com/v1alpha1 ScrapeConfig', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1', 'IScrapeConfig'],
  ['monitoring.coreos.com/v1alpha1 AlertmanagerConfig', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1', 'IAlertmanagerConfig'],
  ['v1 ConfigMap', 'kubernetes-models/v1', 'IConfigMap'],
  ['v1 Secret', 'kubernetes-models/v1', 'ISecret'],
  ['v1 Service', 'kubernetes-models/v1', 'IService'],
  ['v1 ServiceAccount', 'kubernetes-models/v1', 'IServiceAccount'],
  ['rbac.authorization.k8s.io/v1 ClusterRole', 'kubernetes-models/rbac.authorization.k8s.io/v1', 'IClusterRole'],
  ['rbac.authorization.k8s.io/v1 ClusterRoleBinding', 'kubernetes-models/rbac.authorization.k8s.io/v1', 'IClusterRoleBinding'],
];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIELDS_FILE = join(ROOT, 'src/emit/kubernetes/fields.generated.ts');

export function generateFieldTree(): FieldTree {
  const entry = join(ROOT, 'node_modules/.obsgen-kubernetes-fields.ts');
  const source = EMITTED_KINDS.map(([, mod, iface], i) => `import type { ${iface} as T${i} } from '${mod}';\nexport type R${i} = T${i};`).join('\n');
  const host = ts.createCompilerHost({});
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === entry ? source : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === entry || exists(f);
  const program = ts.createProgram([entry], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true, types: [] }, host);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry)!;
  const aliases = new Map<string, ts.Type>();
  file.forEachChild((n) => {
    if (ts.isTypeAliasDeclaration(n)) aliases.set(n.name.text, checker.getTypeAtLocation(n.name));
  });

  const types: Record<string, Record<string, FieldRef>> = {};
  const names = new Map<ts.Type, string>();
  const taken = new Set<string>();

  const isLeaf = (t: ts.Type): boolean => {
    if (t.isUnion()) return t.types.every(isLeaf);
    return !(t.flags & ts.TypeFlags.Object) || checker.getPropertiesOfType(t).length === 0 && !checker.getIndexInfoOfType(t, ts.IndexKind.String) && !checker.isArrayType(t);
  };

  const refOf = (raw: ts.Type): FieldRef => {
    const t = checker.getNonNullableType(raw);
    if (t.isUnion()) {
      const objects = t.types.filter((x) => !isLeaf(x));
      // A union with one object member (`X | null`) is that member; anything else is not walked.
      return objects.length === 1 ? refOf(objects[0]!) : 0;
    }
    if (isLeaf(t)) return 0;
    if (checker.isArrayType(t)) return { a: refOf(checker.getTypeArguments(t as ts.TypeReference)[0]!) };
    const props = checker.getPropertiesOfType(t);
    const index = checker.getIndexInfoOfType(t, ts.IndexKind.String);
    if (index && props.length === 0) return { m: refOf(index.type) };
    if (index) return 0;
    const symbolName = t.aliasSymbol?.name ?? t.getSymbol()?.name;
    if (!symbolName || symbolName === '__type' || symbolName === '__object') return { o: fieldsOf(t) };
    const known = names.get(t);
    if (known) return known;
    const base = symbolName.replace(/^I(?=[A-Z])/, '');
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    names.set(t, name);
    types[name] = {};
    types[name] = fieldsOf(t);
    return name;
  };

  const fieldsOf = (t: ts.Type): Record<string, FieldRef> => {
    const out: Record<string, FieldRef> = {};
    for (const p of checker.getPropertiesOfType(t).sort((a, b) => (a.name < b.name ? -1 : 1))) out[p.name] = refOf(checker.getTypeOfSymbol(p));
    return out;
  };

  const roots: Record<string, string> = {};
  EMITTED_KINDS.forEach(([key], i) => {
    const ref = refOf(aliases.get(`R${i}`)!);
    if (typeof ref !== 'string') throw new Error(`${key}: the models have no named interface for it`);
    roots[key] = ref;
  });
  const sortedTypes = Object.fromEntries(Object.keys(types).sort().map((k) => [k, types[k]!]));
  return { roots, types: sortedTypes };
}

export function fieldsFileText(tree: FieldTree): string {
  return [
    '// Generated by scripts/kubernetes-fields.ts from the installed @kubernetes-models packages. Do not edit:',
    '// run `npx tsx scripts/kubernetes-fields.ts` after upgrading them. Read by src/emit/kubernetes/fields.ts.',
    "import type { FieldTree } from './fields.ts';",
    '',
    `export const FIELD_TREE: FieldTree = JSON.parse(${JSON.stringify(JSON.stringify(tree))});`,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const tree = generateFieldTree();
  writeFileSync(FIELDS_FILE, fieldsFileText(tree));
  console.log(`${FIELDS_FILE}: ${Object.keys(tree.roots).length} kinds, ${Object.keys(tree.types).length} types`);
}
