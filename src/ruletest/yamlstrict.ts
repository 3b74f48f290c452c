/**
 * Strict YAML decoding as promtool does it (yaml.v2 UnmarshalStrict for test files, yaml.v3
 * KnownFields for rule files): an unknown or duplicate field is an error naming its line, and
 * every scalar keeps its source text, so `values: 1 2 3` and `eval_time: 5m` read as written.
 */
import { createRequire } from 'node:module';
import type { Node, Pair } from 'yaml';
import { decodeFast } from './yamlfast.ts';

// yaml is loaded on the first file the fast path leaves to it: `obsgen test-rules` on generated
// files never needs it, and loading it is a fifth of a small run's start-up.
let yamlLib: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

export interface Decoded {
  /** Plain data: maps, arrays and strings (every scalar as its text; null for `~`/empty). */
  value: unknown;
  errors: string[];
}

export class YamlShapeError extends Error {}

/** One field of a struct: its name and the kind of value it holds. */
export type Shape = 'string' | 'float' | 'int' | 'duration' | 'bool' | 'stringMap' | 'stringList' | { list: Struct } | Struct;
export interface Struct {
  type: string;
  fields: Record<string, Shape>;
}

/**
 * Parses `text` and checks it against `shape`: unknown fields are reported as yaml.v2 does
 * (`line N: field X not found in type T`); the returned value is plain data of strings.
 */
export function decodeStrict(text: string, shape: Struct): Decoded {
  // Plain block YAML (every generated file) is read without building a Document; the rest, and every error, by yaml.
  const fast = decodeFast(text, shape);
  if (fast) return { value: fast.value, errors: [] };
  return decodeDocument(text, shape);
}

/** decodeStrict through yaml's Document: any YAML, with promtool's error wording and lines. */
export function decodeDocument(text: string, shape: Struct): Decoded {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter: lc, uniqueKeys: true, strict: false });
  const errors: string[] = [];
  if (doc.errors.length) return { value: undefined, errors: doc.errors.map((e) => `yaml: ${e.message.split('\n')[0]}`) };
  const line = (n: Node | Pair | null | undefined): number => {
    const r = (n && 'range' in n ? n.range : undefined) ?? (n && 'key' in n && n.key && typeof n.key === 'object' && 'range' in n.key ? (n.key as Node).range : undefined);
    return r ? lc.linePos(r[0]).line : 0;
  };
  const problems: string[] = [];
  const walk = (node: unknown, s: Shape): unknown => {
    if (node === null || node === undefined) return null;
    if (isScalar(node)) {
      const v = node.value === null ? null : String(node.source ?? node.value);
      if (typeof s === 'object' && v !== null && v !== '') problems.push(`line ${line(node)}: cannot unmarshal !!str \`${v.slice(0, 30)}\` into ${'list' in s ? `[]main.${s.list.type}` : `main.${s.type}`}`);
      if (s === 'stringMap' || s === 'stringList') return v === null || v === '' ? null : (problems.push(`line ${line(node)}: cannot unmarshal !!str \`${v}\` into ${s === 'stringMap' ? 'map[string]string' : '[]string'}`), null);
      // `~`, `null` and empty read as the zero value, as in Go.
      return v === '~' || v === 'null' || v === 'Null' || v === 'NULL' ? null : v;
    }
    if (isSeq(node)) {
      const item: Shape | undefined = s === 'stringList' ? 'string' : typeof s === 'object' && 'list' in s ? s.list : undefined;
      if (!item) {
        problems.push(`line ${line(node)}: cannot unmarshal !!seq into ${typeof s === 'object' ? `main.${(s as Struct).type}` : s}`);
        return null;
      }
      return node.items.map((i) => walk(i, item));
    }
    if (isMap(node)) {
      if (s === 'stringMap') {
        const out: Record<string, unknown> = {};
        for (const p of node.items) {
          const k = isScalar(p.key) ? String(p.key.source ?? p.key.value) : String(p.key);
          const v = walk(p.value, 'string');
          out[k] = v ?? '';
        }
        return out;
      }
      if (typeof s !== 'object' || 'list' in s) {
        problems.push(`line ${line(node)}: cannot unmarshal !!map into ${typeof s === 'object' ? `[]main.${s.list.type}` : s}`);
        return null;
      }
      const out: Record<string, unknown> = {};
      for (const p of node.items) {
        const k = isScalar(p.key) ? String(p.key.source ?? p.key.value) : String(p.key);
        const fs = s.fields[k];
        if (!fs) {
          problems.push(`line ${line(p.key as Node)}: field ${k} not found in type main.${s.type}`);
          continue;
        }
        out[k] = walk(p.value, fs);
      }
      return out;
    }
    return null;
  };
  const value = walk(doc.contents, shape);
  if (problems.length) errors.push(`yaml: unmarshal errors:\n  ${problems.join('\n  ')}`);
  return { value, errors };
}

/** yaml.v2's float64 from a scalar's text: decimal, exponent, .inf/.nan, and ints (hex, octal, underscores). */
export function yamlFloat(text: string): number {
  const t = text.replace(/_/g, '');
  if (/^[-+]?\.(inf|Inf|INF)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(t)) return NaN;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (/^[-+]?0x[0-9a-fA-F]+$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[-+]?0x/, ''), 16);
  if (/^[-+]?0[0-7]+$/.test(t)) return parseInt(t, 8);
  throw new YamlShapeError(`cannot unmarshal !!str \`${text}\` into float64`);
}
