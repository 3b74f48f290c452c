/**
 * Fields the CRD does not have. The @kubernetes-models validators accept unknown properties,
 * and an API server prunes them without a word, so a misspelt field in an emitter
 * (`scrapeInterval` on an endpoint that wants `interval`) would ship and do nothing. Every
 * emitted object is walked against the fields its kind declares (fields.generated.ts, read
 * from the models' interfaces by scripts/kubernetes-fields.ts).
 */
import { editDistance } from '../../core/nearest.ts';
import { FIELD_TREE } from './fields.generated.ts';

/** A field's type: a named object type, an array or map of one, an inline object, or a leaf (0). */
export type FieldRef = 0 | string | { a: FieldRef } | { m: FieldRef } | { o: Record<string, FieldRef> };
export interface FieldTree {
  roots: Record<string, string>;
  types: Record<string, Record<string, FieldRef>>;
}

export interface UnknownField {
  /** `spec.endpoints[0].intervall` */
  path: string;
  /** The field's own name (`intervall`) and its value. */
  field: string;
  value: unknown;
  /** The type that lacks it, e.g. `Endpoint`. */
  type: string;
  /** Its known fields, for the hint. */
  known: string[];
}

/** Every field of the object its kind does not declare; unknown kinds are left to the schema check. */
export function unknownFields(object: Record<string, unknown>, tree: FieldTree = FIELD_TREE): UnknownField[] {
  const root = tree.roots[`${String(object.apiVersion)} ${String(object.kind)}`];
  if (!root) return [];
  const out: UnknownField[] = [];
  const walk = (value: unknown, ref: FieldRef, path: string, typeName: string): void => {
    if (ref === 0 || value === null || value === undefined) return;
    if (typeof ref === 'string') return walkFields(value, tree.types[ref] ?? {}, path, ref);
    if ('a' in ref) {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, ref.a, `${path}[${i}]`, typeName));
      return;
    }
    if ('m' in ref) {
      if (typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) walk(v, ref.m, join(path, k), typeName);
      return;
    }
    walkFields(value, ref.o, path, `${typeName} (${path || 'object'})`);
  };
  const walkFields = (value: unknown, fields: Record<string, FieldRef>, path: string, typeName: string): void => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const ref = fields[k];
      if (ref === undefined) out.push({ path: join(path, k), field: k, value: v, type: typeName, known: Object.keys(fields) });
      else walk(v, ref, join(path, k), typeName);
    }
  };
  walk(object, root, '', root);
  return out;
}

function join(path: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  return !path ? safe : safe.startsWith('"') ? `${path}[${safe}]` : `${path}.${safe}`;
}

/** The known field nearest to a misspelt one (edit distance at most 3), for the hint. */
export function nearestField(name: string, known: string[]): string | undefined {
  let best: { field: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase(), 3);
    if (d <= 3 && (!best || d < best.d)) best = { field: k, d };
  }
  return best?.field;
}
