/**
 * Renders the subset of Go text/template that alert annotations use, with the
 * functions Prometheus defines, exactly as Prometheus renders them. Generated
 * promtool tests compare annotations byte for byte, so this must agree with Go.
 *
 * Supported: text, `{{ }}` actions with `{{-`/`-}}` trimming, `if`/`with`/`else`/`end`
 * (`with query "..."` guards an empty result), pipelines with `|`,
 * parentheses, `$value`, `$labels.x`, `$externalLabels.x`, `.Value`, `.Labels.x`,
 * string/number literals and the functions in FUNCS. Anything else throws a
 * TemplateError naming what is unsupported.
 */
import { formatE, formatF, formatG, humanize, humanize1024, humanizeDuration, humanizePercentage } from './gofmt.ts';

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface TemplateData {
  labels: Record<string, string>;
  value: number;
  externalLabels?: Record<string, string>;
  externalURL?: string;
  /** Results of `query` calls, by query text: the value of the first sample (for `query "..." | first | value`). */
  queries?: Record<string, number>;
  /** Results of `query` calls, by query text: the labels of the first sample (for `query "..." | first | label "x"`). */
  queryLabels?: Record<string, Record<string, string>>;
}

type Value = string | number | boolean | Record<string, string> | QueryVector | QuerySample | undefined;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Command[]; offset: number }
  /** `{{ if p }}` / `{{ with p }}` / `{{ else }}` / `{{ else if p }}` / `{{ end }}` before nesting. */
  | { kind: 'control'; keyword: 'if' | 'with' | 'else' | 'end'; chain?: 'if' | 'with'; pipeline?: Command[]; offset: number };

/** A parsed template: text, actions and `if`/`with` blocks (with their `else` branch). */
type TreeNode =
  | Exclude<Node, { kind: 'control' }>
  | { kind: 'block'; keyword: 'if' | 'with'; pipeline: Command[]; then: TreeNode[]; otherwise: TreeNode[]; offset: number };

/**
 * The result of `query`: a vector of samples. obsgen knows a query's result from the test that
 * states it (queries/queryLabels); a query no test states returns no samples, as on a
 * Prometheus that has no such series yet.
 */
class QueryVector {
  constructor(
    readonly query: string,
    readonly empty: boolean,
  ) {}
}

/** The first sample of a query's result (`query "..." | first`). */
class QuerySample {
  constructor(readonly query: string) {}
}

type Arg =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'field'; path: string[]; root: '$' | '.' | 'var'; name?: string }
  | { kind: 'ident'; name: string }
  | { kind: 'pipeline'; pipeline: Command[] };

type Command = Arg[];

/** Functions Prometheus adds to Go's text/template (template/template.go), minus query functions. */
export const PROMETHEUS_FUNCTIONS = new Set([
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'toTime',
  'title',
  'toUpper',
  'toLower',
  'match',
  'reReplaceAll',
  'stripPort',
  'stripDomain',
  'parseDuration',
  'graphLink',
  'tableLink',
  'sortByLabel',
  'label',
  'value',
  'first',
  'query',
  'args',
  'safeHtml',
  'externalURL',
  'pathPrefix',
  'strvalue',
  'toDuration',
  'now',
]);
/** Go's own template builtins. */
export const GO_BUILTINS = new Set([
  'and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println',
  'html', 'js', 'urlquery', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'call',
]);

function tokenizeTemplate(src: string): Node[] {
  const nodes: Node[] = [];
  let i = 0;
  let trimNextText = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNextText) text = text.replace(/^\s+/, '');
    trimNextText = false;
    if (open < 0) {
      if (text) nodes.push({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) nodes.push({ kind: 'text', text });
    const close = findClose(src, start);
    if (close < 0) throw new TemplateError('unclosed action: missing }}', open);
    let end = close;
    if (src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '')) {
      end = close - 1;
      trimNextText = true;
    }
    const body = src.slice(start, end).trim();
    if (body.startsWith('/*')) {
      i = close + 2;
      continue;
    }
    const control = /^(if|with|else|end)\b\s*(?:(if|with)\b)?/.exec(body);
    if (control) {
      const keyword = control[1] as 'if' | 'with' | 'else' | 'end';
      const rest = body.slice(control[0].length).trim();
      const chain = control[2] as 'if' | 'with' | undefined;
      if (keyword === 'end' && rest) throw new TemplateError('unexpected text after end', open);
      if (keyword === 'else' && rest && !chain) throw new TemplateError('unexpected text after else', open);
      if ((keyword === 'if' || keyword === 'with' || chain) && !rest) throw new TemplateError(`missing value for ${chain ?? keyword}`, open);
      nodes.push({ kind: 'control', keyword, ...(chain ? { chain } : {}), ...(rest ? { pipeline: parsePipeline(rest, start) } : {}), offset: open });
    } else nodes.push({ kind: 'action', pipeline: parsePipeline(body, start), offset: open });
    i = close + 2;
  }
  return nodes;
}

/** Nests `if`/`with` blocks: `{{ else if p }}` and `{{ else with p }}` open a block that shares the outer `end`. */
function parseTemplateTree(src: string): TreeNode[] {
  const nodes = tokenizeTemplate(src);
  let i = 0;
  // Reads nodes up to an `else` or `end` (left unconsumed); at the top level, to the end.
  const list = (inBlock: boolean): TreeNode[] => {
    const out: TreeNode[] = [];
    while (i < nodes.length) {
      const n = nodes[i]!;
      if (n.kind !== 'control') {
        out.push(n);
        i++;
        continue;
      }
      if (n.keyword === 'else' || n.keyword === 'end') {
        if (!inBlock) throw new TemplateError(`unexpected {{ ${n.keyword} }}`, n.offset);
        return out;
      }
      i++;
      out.push(block(n.keyword, n.pipeline!, n.offset));
    }
    if (inBlock) throw new TemplateError('unexpected end of template: missing {{ end }}', src.length);
    return out;
  };
  const block = (keyword: 'if' | 'with', pipeline: Command[], offset: number): TreeNode => {
    const then = list(true);
    const stop = nodes[i] as Extract<Node, { kind: 'control' }>;
    i++;
    let otherwise: TreeNode[] = [];
    if (stop.keyword === 'else') {
      if (stop.chain) otherwise = [block(stop.chain, stop.pipeline!, stop.offset)];
      else {
        otherwise = list(true);
        const end = nodes[i] as Extract<Node, { kind: 'control' }>;
        if (end.keyword !== 'end') throw new TemplateError('expected {{ end }} after {{ else }}', end.offset);
        i++;
      }
      // A chained block consumed the shared end.
    }
    return { kind: 'block', keyword, pipeline, then, otherwise, offset };
  };
  return list(false);
}

function findClose(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '`') {
      i = src.indexOf('`', i + 1);
      if (i < 0) return -1;
    } else if (c === '}' && src[i + 1] === '}') return i;
    i++;
  }
  return -1;
}

function parsePipeline(body: string, offset: number): Command[] {
  const keyword = /^(if|else|end|range|with|define|template|block|break|continue)\b/.exec(body);
  // if/with/else/end are handled by tokenizeTemplate; here they would be misplaced.
  if (keyword) throw new TemplateError(`control action "${keyword[1]}" is not supported in obsgen-rendered templates`, offset);
  if (/^\$\w*\s*:?=/.test(body)) throw new TemplateError('variable declarations are not supported', offset);
  const tokens = lex(body, offset);
  let pos = 0;
  const parse = (): Command[] => {
    const cmds: Command[] = [[]];
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t === ')') break;
      pos++;
      if (t === '|') {
        if (cmds[cmds.length - 1]!.length === 0) throw new TemplateError('missing command before |', offset);
        cmds.push([]);
        continue;
      }
      if (t === '(') {
        const inner = parse();
        if (tokens[pos] !== ')') throw new TemplateError('unclosed parenthesis', offset);
        pos++;
        cmds[cmds.length - 1]!.push({ kind: 'pipeline', pipeline: inner });
        continue;
      }
      cmds[cmds.length - 1]!.push(toArg(t, offset));
    }
    if (cmds[cmds.length - 1]!.length === 0) throw new TemplateError('empty command in pipeline', offset);
    return cmds;
  };
  const result = parse();
  if (pos !== tokens.length) throw new TemplateError('unexpected )', offset);
  return result;
}

function lex(body: string, offset: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '|' || c === '(' || c === ')') {
      out.push(c);
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < body.length && body[j] !== '"') j += body[j] === '\\' ? 2 : 1;
      if (j >= body.length) throw new TemplateError('unterminated string', offset);
      out.push(body.slice(i, j + 1));
      i = j + 1;
    } else if (c === '`') {
      const j = body.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('unterminated raw string', offset);
      out.push(body.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < body.length && !/[\s|()]/.test(body[j]!)) j++;
      out.push(body.slice(i, j));
      i = j;
    }
  }
  return out;
}

function toArg(tok: string, offset: number): Arg {
  if (tok.startsWith('"')) return { kind: 'string', value: JSON.parse(tok) as string };
  if (tok.startsWith('`')) return { kind: 'string', value: tok.slice(1, -1) };
  if (/^-?\d/.test(tok)) {
    const n = Number(tok);
    if (Number.isNaN(n)) throw new TemplateError(`bad number ${tok}`, offset);
    return { kind: 'number', value: n };
  }
  if (tok.startsWith('$')) {
    const [head, ...path] = tok.split('.');
    return { kind: 'field', root: head === '$' ? '$' : 'var', name: head!.slice(1), path };
  }
  if (tok.startsWith('.')) return { kind: 'field', root: '.', path: tok === '.' ? [] : tok.slice(1).split('.') };
  if (/^[A-Za-z_]\w*$/.test(tok)) return { kind: 'ident', name: tok };
  throw new TemplateError(`unexpected token ${tok}`, offset);
}

/** Parses a template and returns the functions, label references and variables it uses. */
export function inspectTemplate(src: string): { functions: string[]; labels: string[]; variables: string[] } {
  const functions = new Set<string>();
  const labels = new Set<string>();
  const variables = new Set<string>();
  const walk = (pipeline: Command[]): void => {
    for (const cmd of pipeline) {
      for (const arg of cmd) {
        if (arg.kind === 'ident') functions.add(arg.name);
        else if (arg.kind === 'pipeline') walk(arg.pipeline);
        else if (arg.kind === 'field') {
          if (arg.root === 'var') variables.add(arg.name!);
          const isLabels = (arg.root === 'var' && arg.name === 'labels') || (arg.root === '.' && arg.path[0] === 'Labels');
          const rest = arg.root === '.' ? arg.path.slice(1) : arg.path;
          if (isLabels && rest[0]) labels.add(rest[0]);
        }
      }
    }
  };
  const visit = (nodes: TreeNode[]): void => {
    for (const node of nodes) {
      if (node.kind === 'action') walk(node.pipeline);
      else if (node.kind === 'block') (walk(node.pipeline), visit(node.then), visit(node.otherwise));
    }
  };
  visit(parseTemplateTree(src));
  return { functions: [...functions].sort(), labels: [...labels].sort(), variables: [...variables].sort() };
}

function goPrint(v: Value): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return formatG(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (v instanceof QueryVector || v instanceof QuerySample) throw new TemplateError('cannot print a query result: pipe it to first | value or first | label "x"', 0);
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${v[k]}`).join(' ')}]`;
}

function toFloat(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() === '' || Number.isNaN(n)) throw new TemplateError(`cannot convert ${JSON.stringify(v)} to a number`, 0);
    return n;
  }
  throw new TemplateError('expected a number', 0);
}

/** Go fmt.Sprintf for the verbs annotations use. */
export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let argi = 0;
  const re = /%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', widthText, precText, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const arg = args[argi++];
    const prec = precText === undefined ? undefined : Number(precText);
    let s: string;
    switch (verb) {
      case 'f':
      case 'F':
        s = formatF(toFloat(arg), prec ?? 6);
        break;
      case 'e':
        s = formatE(toFloat(arg), prec ?? 6);
        break;
      case 'g':
        s = formatG(toFloat(arg), prec ?? -1);
        break;
      case 'd':
        s = String(Math.trunc(toFloat(arg)));
        break;
      case 's':
      case 'v':
        s = goPrint(arg);
        if (verb === 's' && prec !== undefined) s = s.slice(0, prec);
        break;
      case 'q':
        s = JSON.stringify(goPrint(arg));
        break;
      default:
        throw new TemplateError(`printf verb %${verb} is not supported`, 0);
    }
    if (flags.includes('+') && typeof arg === 'number' && !s.startsWith('-')) s = `+${s}`;
    const width = widthText === undefined ? 0 : Number(widthText);
    if (s.length < width) s = flags.includes('-') ? s.padEnd(width) : s.padStart(width, flags.includes('0') ? '0' : ' ');
    out += s;
  }
  out += format.slice(last);
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map(goPrint).join(', ')})`;
  return out;
}

const FUNCS: Record<string, (...args: Value[]) => Value> = {
  humanize: (v) => humanize(toFloat(v)),
  humanize1024: (v) => humanize1024(toFloat(v)),
  humanizeDuration: (v) => humanizeDuration(toFloat(v)),
  humanizePercentage: (v) => humanizePercentage(toFloat(v)),
  printf: (fmt, ...rest) => sprintf(String(fmt), rest),
  print: (...rest) => rest.map(goPrint).join(''),
  toUpper: (v) => String(v ?? '').toUpperCase(),
  toLower: (v) => String(v ?? '').toLowerCase(),
  title: (v) => String(v ?? '').replace(/\b\w/g, (c) => c.toUpperCase()),
  stripPort: (v) => {
    const s = String(v ?? '');
    const m = /^(?:\[([^\]]+)\]|([^:]+)):\d+$/.exec(s);
    return m ? (m[1] ?? m[2]!) : s;
  },
  reReplaceAll: (pattern, repl, text) =>
    String(text ?? '').replace(new RegExp(String(pattern), 'g'), String(repl).replace(/\$(\d+)/g, '$$$1')),
  match: (pattern, text) => new RegExp(String(pattern)).test(String(text ?? '')),
  index: (m, key) => (m && typeof m === 'object' ? (m as Record<string, string>)[String(key)] ?? '' : undefined),
  safeHtml: (v) => String(v ?? ''),
};

/** The query text behind a `query "..." | first` result. */
function queryText(v: Value, fn: string): string {
  if (!(v instanceof QuerySample)) throw new TemplateError(`${fn} expects a query result's sample (query "..." | first)`, 0);
  return v.query;
}

/** Go's truth: false, 0, "", nil and empty collections are false. */
function truthy(v: Value): boolean {
  if (v instanceof QueryVector) return !v.empty;
  if (v instanceof QuerySample) return true;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return v !== undefined && v !== false && v !== 0 && v !== '';
}

/** Template data of an expected alert sample: its labels and value, and the query results its test states. */
export function sampleData(s: Pick<TemplateData, 'labels' | 'value' | 'queries' | 'queryLabels'>): TemplateData {
  return { labels: s.labels, value: s.value, ...(s.queries ? { queries: s.queries } : {}), ...(s.queryLabels ? { queryLabels: s.queryLabels } : {}) };
}

export function renderTemplate(src: string, data: TemplateData): string {
  // `query "q" | first | value` and `| label "x"`: the query shapes obsgen renders, from the results the test states.
  const funcs: Record<string, (...args: Value[]) => Value> = {
    ...FUNCS,
    query: (q) => new QueryVector(String(q), !(String(q) in (data.queries ?? {})) && !(String(q) in (data.queryLabels ?? {}))),
    first: (v) => {
      if (!(v instanceof QueryVector)) throw new TemplateError('first expects a query result (query "...")', 0);
      // Prometheus's own words, as they end up in a notification.
      if (v.empty) throw new TemplateError('first() called on vector with no elements', 0);
      return new QuerySample(v.query);
    },
    value: (v) => data.queries?.[queryText(v, 'value')] ?? NaN,
    label: (name, v) => data.queryLabels?.[queryText(v, 'label')]?.[String(name)] ?? '',
  };
  const vars: Record<string, Value> = {
    labels: data.labels,
    value: data.value,
    externalLabels: data.externalLabels ?? {},
    externalURL: data.externalURL ?? '',
  };
  const top: Record<string, Value> = {
    Labels: data.labels,
    Value: data.value,
    ExternalLabels: data.externalLabels ?? {},
    ExternalURL: data.externalURL ?? '',
  };
  // `.` is the template data, or inside `{{ with p }}` the value of p.
  let dot: Value = top as unknown as Value;
  const field = (arg: Extract<Arg, { kind: 'field' }>): Value => {
    let v: Value;
    let path = arg.path;
    if (arg.root === 'var') {
      if (!(arg.name! in vars)) throw new TemplateError(`undefined variable $${arg.name}`, 0);
      v = vars[arg.name!];
    } else {
      v = arg.root === '$' ? (top as unknown as Value) : dot;
    }
    for (const key of path) {
      if (v instanceof QueryVector || v instanceof QuerySample) throw new TemplateError(`cannot read .${key} of a query result`, 0);
      if (v && typeof v === 'object') v = (v as Record<string, Value>)[key] ?? (arg.root === '.' && path === arg.path && key in top ? undefined : '');
      else throw new TemplateError(`cannot read .${key} of a non-map`, 0);
    }
    return v;
  };
  const evalArg = (arg: Arg): Value => {
    switch (arg.kind) {
      case 'string':
      case 'number':
        return arg.value;
      case 'field':
        return field(arg);
      case 'pipeline':
        return evalPipeline(arg.pipeline);
      case 'ident': {
        const fn = funcs[arg.name];
        if (!fn) throw new TemplateError(`function "${arg.name}" is not supported by obsgen's renderer`, 0);
        return fn();
      }
    }
  };
  const evalPipeline = (pipeline: Command[]): Value => {
    let prev: Value;
    let first = true;
    for (const cmd of pipeline) {
      const head = cmd[0]!;
      if (head.kind === 'ident') {
        const fn = funcs[head.name];
        if (!fn) throw new TemplateError(`function "${head.name}" is not supported by obsgen's renderer`, 0);
        const args = cmd.slice(1).map(evalArg);
        if (!first) args.push(prev);
        prev = fn(...args);
      } else {
        if (cmd.length > 1) throw new TemplateError('only functions take arguments', 0);
        if (!first) throw new TemplateError('a value cannot follow |', 0);
        prev = evalArg(head);
      }
      first = false;
    }
    return prev;
  };
  const render = (nodes: TreeNode[]): string => {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'action') out += goPrint(evalPipeline(node.pipeline));
      else {
        const v = evalPipeline(node.pipeline);
        if (!truthy(v)) out += render(node.otherwise);
        else if (node.keyword === 'if') out += render(node.then);
        else {
          const outer = dot;
          dot = v;
          out += render(node.then);
          dot = outer;
        }
      }
    }
    return out;
  };
  return render(parseTemplateTree(src));
}

/** Throws a TemplateError if the text does not parse. */
export function parseTemplate(src: string): void {
  parseTemplateTree(src);
}
