/**
 * Prints plain data as a TypeScript literal for the files `obsgen import` writes: identifier
 * keys bare, short objects on one line, multi-line strings (PromQL, templates) as template
 * literals when they read the same that way, so the printed stack stays reviewable.
 */
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function tsString(s: string): string {
  // A template literal shows a multi-line expression as it was written; only when nothing in it needs escaping.
  if (s.includes('\n') && !/[`\\]|\$\{|\r/.test(s)) return `\`${s}\``;
  return JSON.stringify(s);
}

function key(k: string): string {
  return IDENT.test(k) ? k : JSON.stringify(k);
}

export function printTs(value: unknown, indent = ''): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return tsString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => printTs(v, inner));
    const flat = `[${items.join(', ')}]`;
    if (flat.length + indent.length <= 100 && !flat.includes('\n')) return flat;
    return `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const items = entries.map(([k, v]) => `${key(k)}: ${printTs(v, inner)}`);
    const flat = `{ ${items.join(', ')} }`;
    if (flat.length + indent.length <= 100 && !flat.includes('\n')) return flat;
    return `{\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}}`;
  }
  throw new Error(`cannot print ${typeof value} as TypeScript`);
}
