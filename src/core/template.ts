/**
 * Renders the subset of Go text/template that alert annotations use, with the
 * functions Prometheus defines, exactly as Prometheus renders them. Generated
 * promtool tests compare annotations byte for byte, so this must agree with Go.
 *
 * Supported: text, `{{ }}` actions with `{{-`/`-}}` trimming, `if`/`with`/`range`/`else`/`end`
 * (`with query "..."` guards an empty result), variables (`$x := p`, `$i, $e := p`, `$x = p`),
 * pipelines with `|`, parentheses, `$value`, `$labels.x`, `$externalLabels.x`, `.Value`,
 * `.Labels.x`, string/number literals and the functions in FUNCS. Anything else throws a
 * TemplateError naming what is unsupported.
 *
 * `query` returns the results a test states (queries/queryLabels: what the generated tests
 * expect) or, with TemplateData.query, evaluates through the in-process PromQL engine
 * (src/ruletest: rule evaluation).
 */
import { parseDuration } from './duration.ts';
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
  /** Evaluates `query "..."` at the evaluation time (rule evaluation); takes precedence over queries/queryLabels. */
  query?: (expr: string) => { labels: Record<string, string>; value: number }[];
  /** The evaluation time in Unix milliseconds, for `now`. */
  timeMs?: number;
  /** The server's external URL for `externalURL` and `pathPrefix`; undefined fails them, as a nil URL does in promtool. */
  serverURL?: string;
}

type Value = string | number | boolean | { [k: string]: Value } | Value[] | QueryVector | QuerySample | undefined;

type BlockKeyword = 'if' | 'with' | 'range';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Command[]; offset: number; decl?: Decl }
  /** `{{ if p }}` / `{{ with p }}` / `{{ range p }}` / `{{ else }}` / `{{ else if p }}` / `{{ end }}` before nesting. */
  | { kind: 'control'; keyword: BlockKeyword | 'else' | 'end'; chain?: BlockKeyword; pipeline?: Command[]; offset: number; decl?: Decl };

/** A parsed template: text, actions and `if`/`with`/`range` blocks (with their `else` branch). */
type TreeNode =
  | Exclude<Node, { kind: 'control' }>
  | { kind: 'block'; keyword: BlockKeyword; pipeline: Command[]; then: TreeNode[]; otherwise: TreeNode[]; offset: number; decl?: Decl };

/** Splits `$x := rest` / `$i, $x := rest` / `$x = rest` into the declaration and the pipeline. */
function splitDecl(body: string): { decl?: Decl; rest: string } {
  const m = /^(\$[A-Za-z0-9_]*)(?:\s*,\s*(\$[A-Za-z0-9_]*))?\s*(:=|=)(?!=)\s*/.exec(body);
  if (!m) return { rest: body };
  return { decl: { names: [m[1]!.slice(1), ...(m[2] ? [m[2].slice(1)] : [])], assign: m[3] === '=' }, rest: body.slice(m[0].length) };
}

/**
 * The result of `query`: a vector of samples. Without an engine, obsgen knows a query's result
 * from the test that states it (queries/queryLabels); a query no test states returns no samples,
 * as on a Prometheus that has no such series yet.
 */
class QueryVector {
  constructor(readonly samples: QuerySample[]) {}
  get empty(): boolean {
    return this.samples.length === 0;
  }
}

/** One sample of a query's result (`query "..." | first`). */
class QuerySample {
  constructor(
    readonly labels: Record<string, string>,
    readonly value: number,
  ) {}
}

/** A `{{ $x := p }}` / `{{ $i, $x := p }}` / `{{ $x = p }}` before a pipeline. */
interface Decl {
  names: string[];
  assign: boolean;
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
    const control = /^(if|with|range|else|end)\b\s*(?:(if|with|range)\b)?/.exec(body);
    if (control) {
      const keyword = control[1] as BlockKeyword | 'else' | 'end';
      const { decl, rest } = splitDecl(body.slice(control[0].length).trim());
      const chain = control[2] as BlockKeyword | undefined;
      if (keyword === 'end' && rest) throw new TemplateError('unexpected text after end', open);
      if (keyword === 'else' && rest && !chain) throw new TemplateError('unexpected text after else', open);
      if ((keyword === 'if' || keyword === 'with' || keyword === 'range' || chain) && !rest) throw new TemplateError(`missing value for ${chain ?? keyword}`, open);
      nodes.push({ kind: 'control', keyword, ...(chain ? { chain } : {}), ...(rest ? { pipeline: parsePipeline(rest, start) } : {}), ...(decl ? { decl } : {}), offset: open });
    } else {
      const { decl, rest } = splitDecl(body);
      nodes.push({ kind: 'action', pipeline: parsePipeline(rest, start), offset: open, ...(decl ? { decl } : {}) });
    }
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
      out.push(block(n.keyword, n.pipeline!, n.offset, n.decl));
    }
    if (inBlock) throw new TemplateError('unexpected end of template: missing {{ end }}', src.length);
    return out;
  };
  const block = (keyword: BlockKeyword, pipeline: Command[], offset: number, decl?: Decl): TreeNode => {
    const then = list(true);
    const stop = nodes[i] as Extract<Node, { kind: 'control' }>;
    i++;
    let otherwise: TreeNode[] = [];
    if (stop.keyword === 'else') {
      if (stop.chain) otherwise = [block(stop.chain, stop.pipeline!, stop.offset, stop.decl)];
      else {
        otherwise = list(true);
        const end = nodes[i] as Extract<Node, { kind: 'control' }>;
        if (end.keyword !== 'end') throw new TemplateError('expected {{ end }} after {{ else }}', end.offset);
        i++;
      }
      // A chained block consumed the shared end.
    }
    return { kind: 'block', keyword, pipeline, then, otherwise, offset, ...(decl ? { decl } : {}) };
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
      if (node.kind !== 'text') for (const n of node.decl?.names ?? []) variables.add(n);
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
  if (v instanceof QuerySample) return `&{${goPrint(v.labels)} ${formatG(v.value)}}`;
  if (v instanceof QueryVector) return goPrint(v.samples as unknown as Value[]);
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${goPrint(v[k])}`).join(' ')}]`;
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

/** url.QueryEscape: everything but [A-Za-z0-9-_.~] escaped, space as `+`. */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** fmt.Sprint of a time.Time in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
function goTime(seconds: number): string {
  const ms = Math.floor(seconds * 1000);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new TemplateError(`${seconds} cannot be represented as a nanoseconds timestamp since it overflows int64`, 0);
  const iso = d.toISOString();
  const nanos = Math.round((seconds - Math.floor(seconds)) * 1e9);
  const frac = nanos ? `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}` : '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}

/** cases.Title(language.AmericanEnglish, cases.NoLower): the first letter of each word upper-cased. */
function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}'’_])(\p{L})/gu, (_, before: string, c: string) => before + c.toUpperCase());
}

/** Go's eq/lt on basic values. */
function basic(v: Value, fn: string): string | number | boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new TemplateError(`error calling ${fn}: invalid type for comparison`, 0);
}

const FUNCS: Record<string, (...args: Value[]) => Value> = {
  humanize: (v) => humanize(toFloat(v)),
  humanize1024: (v) => humanize1024(toFloat(v)),
  humanizeDuration: (v) => humanizeDuration(toFloat(v)),
  humanizePercentage: (v) => humanizePercentage(toFloat(v)),
  humanizeTimestamp: (v) => {
    const x = toFloat(v);
    return Number.isFinite(x) ? goTime(x) : formatG(x, 4);
  },
  toTime: (v) => goTime(toFloat(v)),
  parseDuration: (v) => {
    const m = /^(-)?(.*)$/.exec(String(v ?? ''))!;
    const ms = parseDuration(m[2]!);
    if (ms === undefined) throw new TemplateError(`error calling parseDuration: not a valid duration string: ${JSON.stringify(String(v))}`, 0);
    return ((m[1] ? -1 : 1) * ms) / 1000;
  },
  printf: (fmt, ...rest) => sprintf(String(fmt), rest),
  print: (...rest) => rest.map((r, i) => (i > 0 && typeof r !== 'string' && typeof rest[i - 1] !== 'string' ? ' ' : '') + goPrint(r)).join(''),
  println: (...rest) => `${rest.map(goPrint).join(' ')}\n`,
  toUpper: (v) => String(v ?? '').toUpperCase(),
  toLower: (v) => String(v ?? '').toLowerCase(),
  title: (v) => title(String(v ?? '')),
  stripPort: (v) => {
    const s = String(v ?? '');
    const m = /^(?:\[([^\]]+)\]|([^:]+)):\d*$/.exec(s);
    return m ? (m[1] ?? m[2]!) : s;
  },
  stripDomain: (v) => {
    const s = String(v ?? '');
    const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d*)$/.exec(s);
    const host = m ? (m[1] ?? m[2]!) : s;
    const port = m ? m[3]! : '';
    if (/^[\d.]+$/.test(host) || host.includes(':')) return s;
    const short = host.split('.')[0]!;
    return port !== '' ? `${short.includes(':') ? `[${short}]` : short}:${port}` : short;
  },
  reReplaceAll: (pattern, repl, text) =>
    String(text ?? '').replace(new RegExp(String(pattern), 'g'), String(repl).replace(/\$\{(\w+)\}/g, '$$$1')),
  match: (pattern, text) => new RegExp(String(pattern)).test(String(text ?? '')),
  index: (m, ...keys) => {
    let v = m;
    for (const key of keys) {
      if (Array.isArray(v)) v = v[toFloat(key)];
      else if (v instanceof QueryVector) v = v.samples[toFloat(key)];
      else if (v && typeof v === 'object' && !(v instanceof QuerySample)) v = (v as Record<string, Value>)[String(key)] ?? '';
      else throw new TemplateError(`error calling index: can't index item of type ${typeof v}`, 0);
    }
    return v;
  },
  len: (v) => {
    if (typeof v === 'string') return v.length;
    if (Array.isArray(v)) return v.length;
    if (v instanceof QueryVector) return v.samples.length;
    if (v && typeof v === 'object' && !(v instanceof QuerySample)) return Object.keys(v).length;
    throw new TemplateError('error calling len: len of type not supported', 0);
  },
  eq: (a, ...bs) => bs.some((b) => basic(a, 'eq') === basic(b, 'eq')),
  ne: (a, b) => basic(a, 'ne') !== basic(b, 'ne'),
  lt: (a, b) => basic(a, 'lt') < basic(b, 'lt'),
  le: (a, b) => basic(a, 'le') <= basic(b, 'le'),
  gt: (a, b) => basic(a, 'gt') > basic(b, 'gt'),
  ge: (a, b) => basic(a, 'ge') >= basic(b, 'ge'),
  not: (v) => !truthy(v),
  and: (...vs) => vs.find((v) => !truthy(v)) ?? vs[vs.length - 1],
  or: (...vs) => vs.find((v) => truthy(v)) ?? vs[vs.length - 1],
  safeHtml: (v) => String(v ?? ''),
  html: (v) => goPrint(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  urlquery: (...vs) => queryEscape(vs.map(goPrint).join('')),
  urlQueryEscape: (v) => queryEscape(String(v ?? '')),
  graphLink: (v) => `/graph?g0.expr=${queryEscape(String(v ?? ''))}&g0.tab=0`,
  tableLink: (v) => `/graph?g0.expr=${queryEscape(String(v ?? ''))}&g0.tab=1`,
  args: (...vs) => Object.fromEntries(vs.map((v, i) => [`arg${i}`, v])),
  toDuration: (v) => {
    const ms = Math.round(toFloat(v) * 1000);
    return goDurationText(ms);
  },
};

/** time.Duration String() for whole milliseconds. */
function goDurationText(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const secs = `${Math.floor(rest / 1000)}${rest % 1000 ? `.${String(rest % 1000).padStart(3, '0').replace(/0+$/, '')}` : ''}s`;
  return sign + (h ? `${h}h${m}m${secs}` : m ? `${m}m${secs}` : secs);
}

function sample(v: Value, fn: string): QuerySample {
  if (!(v instanceof QuerySample)) throw new TemplateError(`${fn} expects a query result's sample (query "..." | first)`, 0);
  return v;
}

/** Go's truth: false, 0, "", nil and empty collections are false. */
function truthy(v: Value): boolean {
  if (v instanceof QueryVector) return !v.empty;
  if (v instanceof QuerySample) return true;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return v !== undefined && v !== false && v !== 0 && v !== '';
}

/** Template data of an expected alert sample: its labels and value, and the query results its test states. */
export function sampleData(s: Pick<TemplateData, 'labels' | 'value' | 'queries' | 'queryLabels'>): TemplateData {
  return { labels: s.labels, value: s.value, ...(s.queries ? { queries: s.queries } : {}), ...(s.queryLabels ? { queryLabels: s.queryLabels } : {}) };
}

export function renderTemplate(src: string, data: TemplateData): string {
  const runQuery = (q: string): QueryVector => {
    if (data.query) return new QueryVector(data.query(q).map((s) => new QuerySample(s.labels, s.value)));
    // The query shapes obsgen's generated tests state: the first sample's value and labels.
    const stated = q in (data.queries ?? {}) || q in (data.queryLabels ?? {});
    return new QueryVector(stated ? [new QuerySample(data.queryLabels?.[q] ?? {}, data.queries?.[q] ?? NaN)] : []);
  };
  const serverURL = (): URL => {
    if (data.serverURL === undefined) throw new TemplateError('runtime error: invalid memory address or nil pointer dereference', 0);
    return new URL(data.serverURL);
  };
  // The functions that read this data; the rest are shared (FUNCS), not copied per render.
  const own: Record<string, (...args: Value[]) => Value> = {
    query: (q) => runQuery(String(q)),
    first: (v) => {
      if (!(v instanceof QueryVector)) throw new TemplateError('first expects a query result (query "...")', 0);
      // Prometheus's own words, as they end up in a notification.
      if (v.empty) throw new TemplateError('first() called on vector with no elements', 0);
      return v.samples[0];
    },
    value: (v) => sample(v, 'value').value,
    label: (name, v) => sample(v, 'label').labels[String(name)] ?? '',
    strvalue: (v) => sample(v, 'strvalue').labels.__value__ ?? '',
    sortByLabel: (name, v) => {
      if (!(v instanceof QueryVector)) throw new TemplateError('sortByLabel expects a query result (query "...")', 0);
      const l = String(name);
      return new QueryVector([...v.samples].sort((a, b) => ((a.labels[l] ?? '') < (b.labels[l] ?? '') ? -1 : (a.labels[l] ?? '') > (b.labels[l] ?? '') ? 1 : 0)));
    },
    now: () => (data.timeMs ?? 0) / 1000,
    externalURL: () => {
      const u = serverURL();
      return data.serverURL === '' ? '' : u.toString().replace(/\/$/, u.pathname === '/' && !data.serverURL!.endsWith('/') ? '' : '/');
    },
    pathPrefix: () => {
      const u = serverURL();
      return data.serverURL!.replace(/^[a-z]+:\/\/[^/]*/i, '') === '' ? '' : u.pathname;
    },
  };
  const top: Record<string, Value> = {
    Labels: data.labels,
    Value: data.value,
    ExternalLabels: data.externalLabels ?? {},
    ExternalURL: data.externalURL ?? '',
  };
  // Variables: the predefined ones, then one scope per block (Go's variables end with their block).
  const scopes: Record<string, Value>[] = [
    { '': top as unknown as Value, labels: data.labels, value: data.value, externalLabels: data.externalLabels ?? {}, externalURL: data.externalURL ?? '' },
  ];
  const lookup = (name: string): Record<string, Value> | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) if (name in scopes[i]!) return scopes[i];
    return undefined;
  };
  const declare = (decl: Decl | undefined, ...values: Value[]): void => {
    if (!decl) return;
    decl.names.forEach((n, i) => {
      if (decl.assign) {
        const scope = lookup(n);
        if (!scope) throw new TemplateError(`undefined variable: $${n}`, 0);
        scope[n] = values[i];
      } else scopes[scopes.length - 1]![n] = values[i];
    });
  };
  // `.` is the template data, or inside `{{ with p }}` / `{{ range p }}` the current value.
  let dot: Value = top as unknown as Value;
  const field = (arg: Extract<Arg, { kind: 'field' }>): Value => {
    let v: Value;
    const path = arg.path;
    if (arg.root === 'var') {
      const scope = lookup(arg.name!);
      if (!scope) throw new TemplateError(`undefined variable $${arg.name}`, 0);
      v = scope[arg.name!];
    } else {
      v = arg.root === '$' ? (top as unknown as Value) : dot;
    }
    for (const key of path) {
      if (v instanceof QuerySample && (key === 'Labels' || key === 'Value')) v = key === 'Labels' ? v.labels : v.value;
      else if (v instanceof QueryVector || v instanceof QuerySample || Array.isArray(v)) throw new TemplateError(`cannot read .${key} of a query result`, 0);
      else if (v && typeof v === 'object') v = (v as Record<string, Value>)[key] ?? (arg.root === '.' && path === arg.path && key in top ? undefined : '');
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
        if (arg.name === 'true' || arg.name === 'false') return arg.name === 'true';
        const fn = own[arg.name] ?? FUNCS[arg.name];
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
      if (head.kind === 'ident' && head.name !== 'true' && head.name !== 'false') {
        const fn = own[head.name] ?? FUNCS[head.name];
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
  const inScope = (f: () => string): string => {
    scopes.push({});
    try {
      return f();
    } finally {
      scopes.pop();
    }
  };
  const render = (nodes: TreeNode[]): string => {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'action') {
        const v = evalPipeline(node.pipeline);
        if (node.decl) declare(node.decl, v);
        else out += goPrint(v);
      } else if (node.keyword === 'range') {
        out += inScope(() => {
          const v = evalPipeline(node.pipeline);
          const items: [Value, Value][] =
            v instanceof QueryVector
              ? v.samples.map((s, i) => [i, s])
              : Array.isArray(v)
                ? v.map((x, i) => [i, x])
                : v && typeof v === 'object' && !(v instanceof QuerySample)
                  ? Object.keys(v).sort().map((k) => [k, (v as Record<string, Value>)[k]])
                  : v === undefined || v === '' || v === 0
                    ? []
                    : (() => {
                        throw new TemplateError(`range can't iterate over ${goPrint(v)}`, 0);
                      })();
          if (!items.length) return render(node.otherwise);
          let text = '';
          const outer = dot;
          for (const [k, x] of items) {
            if (node.decl) declare(node.decl, ...(node.decl.names.length === 2 ? [k, x] : [x]));
            dot = x;
            text += inScope(() => render(node.then));
          }
          dot = outer;
          return text;
        });
      } else {
        out += inScope(() => {
          const v = evalPipeline(node.pipeline);
          if (node.decl) declare(node.decl, v);
          if (!truthy(v)) return render(node.otherwise);
          if (node.keyword === 'if') return render(node.then);
          const outer = dot;
          dot = v;
          try {
            return render(node.then);
          } finally {
            dot = outer;
          }
        });
      }
    }
    return out;
  };
  return render(parsedTree(src));
}

/** Parsed templates by text: a rule's annotations are rendered for every alert at every evaluation. */
const TREES = new Map<string, TreeNode[]>();
function parsedTree(src: string): TreeNode[] {
  let t = TREES.get(src);
  if (!t) {
    if (TREES.size >= 10_000) TREES.clear();
    TREES.set(src, (t = parseTemplateTree(src)));
  }
  return t;
}

/** Throws a TemplateError if the text does not parse. */
export function parseTemplate(src: string): void {
  parseTemplateTree(src);
}
