/**
 * zod issues -> obsgen diagnostics: one diagnostic per problem, at the path of the bad
 * value, with a message that names what was expected and a hint on how to fix it.
 * Unions are looked through: when one shape of a union fits the value's type, its own
 * issues are reported (an unknown key inside `{ above } | false` is an unknown key, not
 * "Invalid input"). Unknown keys get a nearest-name suggestion among the object's keys.
 */
import type { z } from 'zod';
import type { Diagnostics, PathPart } from './diagnostics.ts';
import { formatPath, joinPath } from './diagnostics.ts';
import { Decimal, formatNumber } from './decimal.ts';
import { nearest } from './nearest.ts';

type Issue = z.core.$ZodIssue;

interface Def {
  type: string;
  [key: string]: unknown;
}

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** The schemas that may check a value, with wrappers (optional, default, pipe, union, ...) looked through. */
function unwrap(schema: unknown, seen = new Set<unknown>()): unknown[] {
  const def = defOf(schema);
  if (!def || seen.has(schema)) return [];
  seen.add(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return unwrap(def.innerType, seen);
    case 'pipe':
      return unwrap(def.in, seen);
    case 'lazy':
      return unwrap((def.getter as () => unknown)(), seen);
    case 'union':
      return (def.options as unknown[]).flatMap((o) => unwrap(o, seen));
    case 'intersection':
      return [...unwrap(def.left, seen), ...unwrap(def.right, seen)];
    default:
      return [schema];
  }
}

function childSchemas(schema: unknown, part: PathPart): unknown[] {
  const def = defOf(schema)!;
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      return typeof part === 'string' && part in shape ? [shape[part]] : def.catchall ? [def.catchall] : [];
    }
    case 'array':
      return typeof part === 'number' ? [def.element] : [];
    case 'tuple':
      return typeof part === 'number' ? [(def.items as unknown[])[part]] : [];
    case 'record':
      return [def.valueType];
    default:
      return [];
  }
}

/** The keys an object at `path` (relative to `schema`) may have. */
export function knownKeysAt(schema: unknown, path: readonly PathPart[]): string[] {
  let current = unwrap(schema);
  for (const part of path) current = current.flatMap((s) => childSchemas(s, part)).flatMap((s) => unwrap(s));
  const keys = new Set<string>();
  for (const s of current) {
    const def = defOf(s)!;
    if (def.type === 'object') for (const k of Object.keys(def.shape as object)) keys.add(k);
  }
  return [...keys].sort();
}

/** Issues that only say "the value is not of this branch's type". */
function isTypeMismatch(branch: Issue[]): boolean {
  return branch.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value' || i.code === 'invalid_union'));
}

/** What a union branch expected, when the value is not even of its type. */
function expectedOf(branch: Issue[]): string[] {
  return branch.flatMap((i) =>
    i.code === 'invalid_type' ? [i.expected] : i.code === 'invalid_value' ? i.values.map((v) => showLiteral(v)) : i.code === 'invalid_union' ? i.errors.flatMap(expectedOf) : [],
  );
}

function showLiteral(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A union's issues as the issues of the branch that fits the value, or undefined when none does. */
function bestBranch(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] | undefined {
  const fitting = issue.errors.filter((b) => !isTypeMismatch(b));
  if (!fitting.length) return undefined;
  return fitting.reduce((best, b) => (b.length < best.length ? b : best));
}

/** Flattens unions into the issues of their fitting branch, with paths made absolute. */
function flatten(issues: readonly Issue[], prefix: PathPart[] = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathPart[])];
    if (issue.code === 'invalid_union') {
      const branch = bestBranch(issue);
      if (branch) {
        out.push(...flatten(branch, path));
        continue;
      }
    }
    out.push({ ...issue, path } as Issue);
  }
  return out;
}

interface Message {
  path: PathPart[];
  message: string;
  value?: unknown;
  hint?: string;
  /** An unknown key's nearest known key. */
  rename?: string;
  /** A required value is missing. */
  required?: boolean;
}

function sizeWord(origin: string | undefined, n: string): string {
  if (origin === 'array' || origin === 'set') return `${n} item(s)`;
  if (origin === 'string') return `${n} character(s)`;
  return n;
}

function describe(schema: unknown, issue: Issue, input: unknown, basePath: string): Message[] {
  const path = issue.path as PathPart[];
  const value = (issue as { input?: unknown }).input;
  const ownHint = (issue as { params?: { hint?: string } }).params?.hint;
  const where = (p: readonly PathPart[]) => joinPath(basePath, ...p) || 'the stack props';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key): Message => {
        if (known.includes(key)) {
          // Known to another shape of a union: the keys given are alternatives, not companions.
          const others = Object.keys(value && typeof value === 'object' ? value : {}).filter((k) => k !== key && known.includes(k));
          return {
            path: [...path, key],
            message: `${JSON.stringify(key)} cannot be given together with ${others.map((k) => JSON.stringify(k)).join(', ') || 'the other keys'} in ${where(path)}`,
            hint: `these are alternatives: give one of ${known.join(', ')}`,
          };
        }
        const near = nearest(key, known) ?? transposed(key, known);
        return {
          path: [...path, key],
          message: `unknown key ${JSON.stringify(key)} in ${where(path)}${near ? `; did you mean ${JSON.stringify(near)}?` : ''}`,
          hint: near ? `rename it to ${JSON.stringify(near)}` : known.length ? `remove it; the known keys are ${known.join(', ')}` : 'remove it',
          ...(near ? { rename: near } : {}),
        };
      });
    }
    case 'invalid_type':
      if (value === undefined && !hasKey(input, path)) return [{ path, required: true, message: `is required (${issue.expected})`, hint: ownHint ?? `give a value of type ${issue.expected}` }];
      // NaN, null and Infinity are their own kind: "got NaN" says it all.
      return [{ path, message: `expected ${issue.expected}, got ${kindOf(value)}`, ...(selfNamed(value) ? {} : { value }), hint: ownHint ?? `give a value of type ${issue.expected}` }];
    case 'invalid_value': {
      const options = issue.values.map(showLiteral);
      const near = typeof value === 'string' ? nearest(value, issue.values.filter((v): v is string => typeof v === 'string')) : undefined;
      return [
        {
          path,
          message: options.length === 1 ? `expected ${options[0]}` : `expected one of ${options.join(', ')}${near ? `; did you mean ${JSON.stringify(near)}?` : ''}`,
          value,
          hint: ownHint ?? (near ? `use ${JSON.stringify(near)}` : `use one of ${options.join(', ')}`),
        },
      ];
    }
    case 'invalid_union': {
      if (value === undefined && !hasKey(input, path)) return [{ path, required: true, message: 'is required', hint: ownHint ?? 'check the value against the documented shapes' }];
      const expected = [...new Set(issue.errors.flatMap(expectedOf))];
      return [{ path, message: expected.length ? `expected ${expected.join(' or ')}, got ${kindOf(value)}` : issue.message, value, hint: ownHint ?? 'check the value against the documented shapes' }];
    }
    case 'too_big': {
      const bound = `${issue.inclusive ? 'at most' : 'less than'} ${sizeWord(issue.origin, String(issue.maximum))}`;
      // A ratio (at most 1) given as a percent: 5 for 5%.
      const percent = issue.origin === 'number' && Number(issue.maximum) === 1 && typeof value === 'number' && value > 1 && value <= 100;
      const hint = percent ? `${keyOf(path)} is a ratio (0-1): ${formatNumber(Decimal.from(value).div(100, 12))}` : `use a value ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
      return [{ path, message: `must be ${bound}`, value, hint: ownHint ?? hint }];
    }
    case 'too_small': {
      const bound = `${issue.inclusive ? 'at least' : 'more than'} ${sizeWord(issue.origin, String(issue.minimum))}`;
      const sized = issue.origin === 'array' || issue.origin === 'string' || issue.origin === 'set';
      return [{ path, message: sized ? `must have ${bound}` : `must be ${bound}`, value, hint: ownHint ?? (sized ? `give at least ${sizeWord(issue.origin, String(issue.minimum))}` : `use a value ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`) }];
    }
    case 'invalid_format':
      return [
        {
          path,
          message: issue.format === 'regex' && 'pattern' in issue ? `does not match ${String(issue.pattern)}` : `is not a valid ${issue.format}`,
          value,
          hint: ownHint ?? (issue.format === 'regex' && 'pattern' in issue ? `the value must match ${String(issue.pattern)}` : `give a valid ${issue.format}`),
        },
      ];
    default: {
      const percent = (issue as { params?: { percent?: string } }).params?.percent;
      return [{ path, message: issue.message, value, ...(percent ? { hint: `${keyOf(path)} is a percent: ${percent}` } : ownHint ? { hint: ownHint } : {}) }];
    }
  }
}

function hasKey(input: unknown, path: readonly PathPart[]): boolean {
  let cur: unknown = input;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object') return false;
    if (i === path.length - 1) return Object.prototype.hasOwnProperty.call(cur, path[i]!) && (cur as Record<PathPart, unknown>)[path[i]!] !== undefined;
    cur = (cur as Record<PathPart, unknown>)[path[i]!];
  }
  return input !== undefined;
}

/** A known key with two neighbouring letters swapped (`macth` for `match`), which the edit distance counts twice. */
function transposed(key: string, known: readonly string[]): string | undefined {
  for (const k of known) {
    if (k.length !== key.length) continue;
    const diff = [...k].flatMap((c, i) => (c === key[i] ? [] : [i]));
    if (diff.length === 2 && diff[1] === diff[0]! + 1 && k[diff[0]!] === key[diff[1]!] && k[diff[1]!] === key[diff[0]!]) return k;
  }
  return undefined;
}

/** The name of the prop at `path`, for hints. */
function keyOf(path: readonly PathPart[]): string {
  return [...path].reverse().find((p): p is string => typeof p === 'string') ?? 'the value';
}

function selfNamed(value: unknown): boolean {
  return value === null || (typeof value === 'number' && !Number.isFinite(value));
}

/** The kind of a value as a user reads it: NaN and arrays are not "number" and "object". */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

/** Reports every issue of a failed parse under `basePath`. */
export function reportIssues(schema: unknown, input: unknown, issues: readonly Issue[], diag: Diagnostics, basePath: string): void {
  const messages = flatten(issues).flatMap((issue) => describe(schema, issue, input, basePath));
  // "unknown key errorRatoi; did you mean errorRatio?" already says errorRatio is missing.
  const renamed = new Set(messages.flatMap((m) => (m.rename ? [formatPath([...m.path.slice(0, -1), m.rename])] : [])));
  const seen = new Set<string>();
  for (const m of messages) {
    if (m.required && renamed.has(formatPath(m.path))) continue;
    const path = joinPath(basePath, ...m.path);
    // Unions of object shapes can report one unknown key once per branch.
    const key = `${path}\u0000${m.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diag.error(path, 'schema', m.message, { ...(m.value !== undefined ? { value: m.value } : {}), ...(m.hint ? { hint: m.hint } : {}) });
  }
}
