/**
 * A Go text/template checker for alert labels and annotations, the way `promtool check
 * rules` parses them (control actions, variables and pipelines included), plus what
 * promtool does not do: it collects the `$labels.x` references so the build and lint can compare them
 * with the labels the expression's result can carry.
 */
import { GO_BUILTINS, PROMETHEUS_FUNCTIONS } from './template.ts';

export interface TemplateProblem {
  kind: 'syntax' | 'function' | 'variable';
  message: string;
  /** Offset in the template text. */
  offset: number;
  name?: string;
}

export interface TemplateLabelRef {
  label: string;
  offset: number;
}

export interface TemplateCheck {
  problems: TemplateProblem[];
  labels: TemplateLabelRef[];
  usesValue: boolean;
}

/** Functions an alerting-rule template can call (Prometheus template/template.go + Go's builtins). */
export const TEMPLATE_FUNCTIONS = new Set([
  ...PROMETHEUS_FUNCTIONS,
  ...GO_BUILTINS,
  'urlQueryEscape',
  'stripDomain',
  'humanizeTimestamp',
  'toTime',
  'toDuration',
  'now',
  'pathPrefix',
  'externalURL',
  'parseDuration',
  'sortByLabel',
  'urlquery',
]);

const PREDEFINED = ['labels', 'externalLabels', 'externalURL', 'value', ''];
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

interface Action {
  body: string;
  /** Offset of the body in the template. */
  offset: number;
  open: number;
}

function splitActions(src: string, problems: TemplateProblem[]): Action[] {
  const out: Action[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) break;
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) start++;
    // Find the closing braces outside strings and comments.
    let j = start;
    let close = -1;
    while (j < src.length) {
      const c = src[j]!;
      if (c === '"' || c === "'") {
        j++;
        while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
        if (j >= src.length || src[j] === '\n') {
          problems.push({ kind: 'syntax', message: `unterminated ${c === '"' ? 'quoted string' : 'character constant'}`, offset: open });
          return out;
        }
      } else if (c === '`') {
        const k = src.indexOf('`', j + 1);
        if (k < 0) {
          problems.push({ kind: 'syntax', message: 'unterminated raw quoted string', offset: open });
          return out;
        }
        j = k;
      } else if (c === '/' && src[j + 1] === '*') {
        const k = src.indexOf('*/', j + 2);
        if (k < 0) {
          problems.push({ kind: 'syntax', message: 'unclosed comment', offset: open });
          return out;
        }
        j = k + 1;
      } else if (c === '}' && src[j + 1] === '}') {
        close = j;
        break;
      }
      j++;
    }
    if (close < 0) {
      problems.push({ kind: 'syntax', message: 'unclosed action: missing }}', offset: open });
      return out;
    }
    let end = close;
    if (src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '')) end = close - 1;
    out.push({ body: src.slice(start, end), offset: start, open });
    i = close + 2;
  }
  return out;
}

type Tok = { t: string; at: number };

function lex(body: string, base: number, problems: TemplateProblem[]): Tok[] | undefined {
  const out: Tok[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && body[i + 1] === '*') {
      const k = body.indexOf('*/', i + 2);
      i = k < 0 ? body.length : k + 2;
      continue;
    }
    if ('|(),='.includes(c)) {
      out.push({ t: c, at: base + i });
      i++;
      continue;
    }
    if (c === ':' && body[i + 1] === '=') {
      out.push({ t: ':=', at: base + i });
      i += 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < body.length && body[j] !== c) j += body[j] === '\\' ? 2 : 1;
      out.push({ t: body.slice(i, j + 1), at: base + i });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = body.indexOf('`', i + 1);
      out.push({ t: body.slice(i, j + 1), at: base + i });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < body.length && !/[\s|(),=`"']/.test(body[j]!) && !(body[j] === ':' && body[j + 1] === '=')) j++;
    if (j === i) {
      problems.push({ kind: 'syntax', message: `unexpected ${JSON.stringify(c)} in action`, offset: base + i });
      return undefined;
    }
    // `.Field` chained after `)` is part of the same operand; keep it as a token.
    out.push({ t: body.slice(i, j), at: base + i });
    i = j;
  }
  return out;
}

const OPERAND_RE = /^(\$[A-Za-z0-9_]*|\.|(\.[A-Za-z_][A-Za-z0-9_]*)+|\$[A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+|-?[0-9][0-9a-fA-FxXoObB_.eEpP+-]*|true|false|nil)$/;

/** Checks a template's syntax, functions and variables and lists its label references. */
export function checkGoTemplate(src: string): TemplateCheck {
  const problems: TemplateProblem[] = [];
  const labels: TemplateLabelRef[] = [];
  let usesValue = false;
  const actions = splitActions(src, problems);
  const stack: { kw: string; offset: number }[] = [];
  const vars = new Set(PREDEFINED);
  for (const a of actions) {
    const body = a.body.trim();
    if (body.startsWith('/*')) {
      if (!body.endsWith('*/')) problems.push({ kind: 'syntax', message: 'comment ends before the action', offset: a.open });
      continue;
    }
    const toks = lex(a.body, a.offset, problems);
    if (!toks) continue;
    if (toks.length === 0) {
      problems.push({ kind: 'syntax', message: 'missing value for command', offset: a.open });
      continue;
    }
    let pos = 0;
    const first = toks[0]!.t;
    if (KEYWORDS.has(first)) {
      pos = 1;
      if (first === 'end') {
        if (!stack.length) problems.push({ kind: 'syntax', message: 'unexpected {{end}}', offset: a.open });
        else stack.pop();
        if (toks.length > 1) problems.push({ kind: 'syntax', message: 'unexpected input after end', offset: toks[1]!.at });
        continue;
      }
      if (first === 'else') {
        const top = stack.at(-1);
        if (!top || !['if', 'range', 'with'].includes(top.kw)) problems.push({ kind: 'syntax', message: 'unexpected {{else}}', offset: a.open });
        if (toks[1]?.t === 'if' || toks[1]?.t === 'with') pos = 2;
        else if (toks.length > 1) {
          problems.push({ kind: 'syntax', message: 'unexpected input after else', offset: toks[1]!.at });
          continue;
        } else continue;
      } else if (first === 'break' || first === 'continue') {
        if (!stack.some((s) => s.kw === 'range')) problems.push({ kind: 'syntax', message: `{{${first}}} outside {{range}}`, offset: a.open });
        continue;
      } else if (first === 'define' || first === 'template' || first === 'block') {
        const name = toks[1]?.t;
        if (!name || !/^["`]/.test(name)) problems.push({ kind: 'syntax', message: `${first} needs a quoted template name`, offset: a.open });
        if (OPENERS.has(first)) stack.push({ kw: first, offset: a.open });
        pos = 2;
        if (pos >= toks.length) continue;
      } else {
        stack.push({ kw: first, offset: a.open });
        if (pos >= toks.length) {
          problems.push({ kind: 'syntax', message: `missing value for ${first}`, offset: a.open });
          continue;
        }
      }
    }
    // Variable declarations: $x := ..., $i, $e := range ..., $x = ...
    {
      let k = pos;
      const declared: string[] = [];
      while (k < toks.length && toks[k]!.t.startsWith('$') && /^\$[A-Za-z0-9_]*$/.test(toks[k]!.t)) {
        declared.push(toks[k]!.t.slice(1));
        if (toks[k + 1]?.t === ',') k += 2;
        else {
          k++;
          break;
        }
      }
      if (declared.length && (toks[k]?.t === ':=' || toks[k]?.t === '=')) {
        if (toks[k]!.t === '=') for (const d of declared) if (!vars.has(d)) problems.push({ kind: 'variable', message: `undefined variable "$${d}"`, offset: toks[pos]!.at, name: d });
        for (const d of declared) vars.add(d);
        pos = k + 1;
        if (pos >= toks.length) {
          problems.push({ kind: 'syntax', message: 'missing value in declaration', offset: a.open });
          continue;
        }
      }
    }
    const inDot = stack.some((s) => s.kw === 'range' || s.kw === 'with');
    let depth = 0;
    let commandStart = true;
    for (let k = pos; k < toks.length; k++) {
      const { t, at } = toks[k]!;
      if (t === '(') {
        depth++;
        commandStart = true;
        continue;
      }
      if (t === ')') {
        depth--;
        if (depth < 0) {
          problems.push({ kind: 'syntax', message: 'unexpected right paren', offset: at });
          break;
        }
        commandStart = false;
        continue;
      }
      if (t === '|') {
        if (commandStart) problems.push({ kind: 'syntax', message: 'missing command before |', offset: at });
        commandStart = true;
        continue;
      }
      if (t === ',' || t === ':=' || t === '=') {
        problems.push({ kind: 'syntax', message: `unexpected ${JSON.stringify(t)} in operand`, offset: at });
        break;
      }
      commandStart = false;
      if (/^["'`]/.test(t)) continue;
      if (t.startsWith('$')) {
        const [head, ...path] = t.split('.');
        const name = head!.slice(1);
        if (!vars.has(name)) problems.push({ kind: 'variable', message: `undefined variable "${head}"`, offset: at, name });
        if (name === 'value') usesValue = true;
        if (name === 'labels' && path[0]) labels.push({ label: path[0], offset: at });
        if (name === 'labels' && !path.length && toks[k - 1]?.t === 'index') {
          const key = toks[k + 1]?.t;
          if (key && /^["`]/.test(key)) labels.push({ label: key.slice(1, -1), offset: at });
        }
        continue;
      }
      if (t.startsWith('.')) {
        if (t === '.Value' && !inDot) usesValue = true;
        const path = t.split('.').slice(1);
        if (!inDot && path[0] === 'Labels' && path[1]) labels.push({ label: path[1], offset: at });
        continue;
      }
      if (OPERAND_RE.test(t)) continue;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) {
        if (KEYWORDS.has(t)) problems.push({ kind: 'syntax', message: `unexpected keyword ${t}`, offset: at });
        else if (!TEMPLATE_FUNCTIONS.has(t)) problems.push({ kind: 'function', message: `function "${t}" not defined`, offset: at, name: t });
        continue;
      }
      problems.push({ kind: 'syntax', message: `bad token ${JSON.stringify(t)}`, offset: at });
    }
    if (depth > 0) problems.push({ kind: 'syntax', message: 'unclosed left paren', offset: a.open });
    else if (commandStart && depth === 0 && toks.length > pos) problems.push({ kind: 'syntax', message: 'missing command after |', offset: a.open });
  }
  for (const s of stack) problems.push({ kind: 'syntax', message: `unexpected EOF: {{${s.kw}}} has no {{end}}`, offset: s.offset });
  return { problems, labels, usesValue };
}
