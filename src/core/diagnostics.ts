/**
 * Diagnostics: every problem of a build, with the stack, a path into the props
 * (`services[0].slos[1].objective`), the bad value and a hint on how to fix it.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable id of the check, e.g. `schema`, `duplicate-alert`, `unknown-receiver`. */
  code: string;
  stack: string;
  /** Path into the stack props, in JS accessor form. Empty for the stack as a whole. */
  path: string;
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
  hint?: string;
}

export type PathPart = string | number;

export function formatPath(parts: readonly PathPart[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

export function joinPath(base: string, ...parts: PathPart[]): string {
  const tail = formatPath(parts);
  if (base === '') return tail;
  if (tail === '') return base;
  return tail.startsWith('[') ? base + tail : `${base}.${tail}`;
}

/** Marks numbers JSON cannot spell (NaN, Infinity) so they print as themselves, not as null. */
const BARE = '\u2063';

function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `${BARE}${String(v)}${BARE}` : typeof v === 'bigint' ? `${BARE}${String(v)}${BARE}` : v))?.replace(
        new RegExp(`"${BARE}([^"]*)${BARE}"`, 'g'),
        '$1',
      ) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path ? `${d.stack}: ${d.path}` : d.stack;
  let line = `${d.severity} [${d.code}] ${where}: ${d.message}`;
  if ('value' in d && d.value !== undefined) line += ` (got ${showValue(d.value)})`;
  if (d.hint) line += `\n    hint: ${d.hint}`;
  return line;
}

export interface DiagnosticExtra {
  value?: unknown;
  hint?: string;
  /**
   * The finding is about the stack as a whole (a shared alert without tests, a link to a
   * dashboard no component made, no jobs at all) and holds only when every component
   * was built: when one failed validation, it is a consequence of that error, not its own.
   */
  wholeStack?: boolean;
}

/** Collects diagnostics for one stack; helpers take a path base so nested builders stay short. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];
  private readonly wholeStack = new WeakSet<Diagnostic>();
  constructor(readonly stack: string) {}

  error(path: string, code: string, message: string, extra: DiagnosticExtra = {}): void {
    this.add({ severity: 'error', code, stack: this.stack, path, message }, extra);
  }

  warn(path: string, code: string, message: string, extra: DiagnosticExtra = {}): void {
    this.add({ severity: 'warning', code, stack: this.stack, path, message }, extra);
  }

  private add(d: Diagnostic, { wholeStack, ...extra }: DiagnosticExtra): void {
    const item = { ...d, ...extra };
    this.items.push(item);
    if (wholeStack) this.wholeStack.add(item);
  }

  /** Errors about a part of the stack, not about the stack as a whole. */
  get ownErrorCount(): number {
    return this.items.filter((d) => d.severity === 'error' && !this.wholeStack.has(d)).length;
  }

  /** Drops the whole-stack findings: some component is missing, so they would only echo its error. */
  dropWholeStackFindings(): void {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.wholeStack.has(this.items[i]!)) this.items.splice(i, 1);
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** Thrown when a build has errors: carries all of them, not just the first. */
export class BuildError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`${errors.length} error(s):\n${errors.map(formatDiagnostic).join('\n')}`);
    this.name = 'BuildError';
  }
}
