/**
 * RE2, the regex syntax Prometheus and Alertmanager compile (Go's regexp), read in JavaScript.
 * JavaScript's RegExp accepts things RE2 refuses (lookaround, backreferences) and reads some RE2
 * syntax differently or not at all (`(?i)`, `(?P<name>`, `[[:alpha:]]`, `\Q...\E`, `\z`), so
 * a pattern is translated first. One translation serves three readers:
 * - `re2Problem`: is it valid RE2 (what Alertmanager and Prometheus would refuse to load);
 * - `anchoredRe2`: Alertmanager's matcher, `^(?:v)$`, where approximations are acceptable
 *   (route walks: inline flags apply to the whole pattern, `\p{..}` stands in as a plain class);
 * - `re2Regexp`, `matcherMatches`, `re2Examples`: Prometheus's label matcher, `^(?s:v)$`, read
 *   exactly or not at all (what cannot be read exactly is reported, not guessed).
 */

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const isLetter = (c: string) => c.toLowerCase() !== c.toUpperCase();
const isUpper = (c: string) => c === c.toUpperCase();
const swapCase = (c: string) => (isUpper(c) ? c.toLowerCase() : c.toUpperCase());

type Translation = { source: string; flags: string } | { invalid: string } | { unsupported: string };

/**
 * The RE2 pattern as JavaScript source and flags. `invalid`: RE2 refuses it. `unsupported`:
 * valid RE2 that JavaScript cannot match exactly (only reported when `exact`; otherwise
 * approximated).
 */
function translate(pattern: string, exact: boolean): Translation {
  let src = pattern;
  const flags = new Set<string>();
  // Leading flag groups apply to the whole pattern: the only place JavaScript (Node 20) can take them.
  for (let m = /^\(\?([imsU]+)\)/.exec(src); m; m = /^\(\?([imsU]+)\)/.exec(src)) {
    if (m[1]!.includes('U') && exact) return { unsupported: 'uses the ungreedy flag (?U), which obsgen cannot evaluate' };
    for (const f of m[1]!) if (f === 'i' || f === 'm' || f === 's') flags.add(f);
    src = src.slice(m[0].length);
  }
  let out = '';
  let inClass = false;
  // Case folding scoped to a group, `(?i:...)` or `(?i)` mid-pattern: JavaScript (Node 20) has no
  // scoped flags, so folded letters are written as both cases ([pP], a-zA-Z in classes).
  let fold = false;
  const foldStack: boolean[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '\\') {
      if (next === undefined) return { invalid: 'ends with a lone backslash' };
      if (!inClass && /[1-9]/.test(next)) return { invalid: `uses a backreference \\${next}, which RE2 (and so Prometheus and Alertmanager) does not support` };
      if (next === 'k' && src[i + 2] === '<') return { invalid: 'uses a named backreference \\k<...>, which RE2 does not support' };
      if (next === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = src.slice(i + 2, end < 0 ? undefined : end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (next === 'p' || next === 'P') {
        const close = src[i + 2] === '{' ? src.indexOf('}', i + 2) : i + 2;
        if (close < 0) return { invalid: 'has an unterminated \\p{...}' };
        if (exact) return { unsupported: 'uses a Unicode class (\\p), which obsgen cannot evaluate' };
        out += inClass ? 'a' : '[a]';
        i = close;
        continue;
      }
      if (next === 'C' && exact) return { unsupported: 'uses \\C, which obsgen cannot evaluate' };
      if (next === 'A' && !inClass) out += '^';
      else if (next === 'z' && !inClass) out += '$';
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && next === ':') {
        const end = src.indexOf(':]', i + 2);
        if (end < 0) return { invalid: 'has an unterminated POSIX class [:...:]' };
        const name = src.slice(i + 2, end);
        const negated = name.startsWith('^');
        const body = POSIX[negated ? name.slice(1) : name];
        if (!body) return { invalid: `uses an unknown POSIX class [:${name}:]` };
        if (negated && exact) return { unsupported: `uses the negated class [:${name}:], which obsgen cannot evaluate` };
        out += negated ? 'a' : body;
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
      else if (fold && isLetter(c)) {
        const end = src[i + 2];
        if (next === '-' && end !== undefined && isLetter(end) && isUpper(c) === isUpper(end)) {
          out += `${c}-${end}${swapCase(c)}-${swapCase(end)}`;
          i += 2;
          continue;
        }
        out += c + swapCase(c);
        continue;
      }
      out += c;
      continue;
    }
    if (c === '[') {
      out += c;
      inClass = true;
      // A `]` (or `^]`) right after the opening bracket is a literal in RE2.
      if (src[i + 1] === '^') (out += '^'), i++;
      if (src[i + 1] === ']') (out += '\\]'), i++;
      continue;
    }
    if (c === '(' && next === '?') {
      const rest = src.slice(i + 2);
      if (/^[=!]|^<[=!]/.test(rest)) return { invalid: 'uses a lookaround (lookahead (?= (?!, lookbehind (?<= (?<!), which RE2 (and so Prometheus and Alertmanager) does not support' };
      if (rest.startsWith('>')) return { invalid: 'uses an atomic group (?>...), which RE2 does not support' };
      if (rest.startsWith(':')) {
        out += '(?:';
        foldStack.push(fold);
        i += 2;
        continue;
      }
      const named = /^P?<([A-Za-z_]\w*)>/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        foldStack.push(fold);
        i += 1 + named[0].length;
        continue;
      }
      const inline = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
      if (inline && (inline[1] || inline[2] !== undefined)) {
        const [on, off = ''] = [inline[1] ?? '', inline[2]];
        // `s` changes nothing where `.` already matches newlines (Prometheus); `i` is folded by hand; `m` and `U` can't be scoped.
        if (exact && /[mU]/.test(on + off)) return { unsupported: `uses the flag group (?${inline[0]} inside the pattern, which obsgen cannot evaluate (put flags such as (?m) at the start)` };
        if (!exact) for (const f of on) if (f === 's') flags.add(f);
        if (inline[3] === ':') {
          out += '(?:';
          foldStack.push(fold);
        }
        if (on.includes('i')) fold = true;
        if (off.includes('i')) fold = false;
        i += 1 + inline[0].length;
        continue;
      }
      return { invalid: `has an invalid or unsupported group (?${rest.slice(0, 3)}` };
    }
    if (c === '(') foldStack.push(fold);
    else if (c === ')') fold = foldStack.pop() ?? false;
    else if (fold && isLetter(c)) {
      out += `[${c}${swapCase(c)}]`;
      continue;
    }
    if (c === '{') {
      const rep = /^\{(\d+)(?:,(\d*))?\}/.exec(src.slice(i));
      if (rep && (Number(rep[1]) > 1000 || (rep[2] ? Number(rep[2]) > 1000 : false))) return { invalid: `has a repetition ${rep[0]} over RE2's limit of 1000` };
    }
    out += c;
  }
  return { source: out, flags: [...flags].sort().join('') };
}

/** Why RE2 refuses `pattern` (so Prometheus or Alertmanager would not load it), or undefined when it compiles. */
export function re2Problem(pattern: string): string | undefined {
  const t = translate(pattern, false);
  if ('invalid' in t) return t.invalid;
  if ('unsupported' in t) return undefined;
  try {
    new RegExp(t.source, t.flags);
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '');
  }
  return undefined;
}

/** Alertmanager's matcher regex, `^(?:pattern)$`; throws for a pattern RE2 refuses. */
export function anchoredRe2(pattern: string): RegExp {
  const t = translate(pattern, false);
  if ('invalid' in t) throw new Error(`invalid RE2 regular expression ${JSON.stringify(pattern)}: ${t.invalid}`);
  if ('unsupported' in t) throw new Error(`RE2 regular expression ${JSON.stringify(pattern)}: ${t.unsupported}`);
  return new RegExp(`^(?:${t.source})$`, t.flags);
}

const compiled = new Map<string, RegExp | string>();

/** The anchored RegExp Prometheus matches a label value with, or why obsgen cannot evaluate the pattern. */
export function re2Regexp(pattern: string): RegExp | string {
  const hit = compiled.get(pattern);
  if (hit !== undefined) return hit;
  const t = translate(pattern, true);
  let re: RegExp | string;
  if ('invalid' in t) re = t.invalid;
  else if ('unsupported' in t) re = t.unsupported;
  else {
    try {
      // Prometheus anchors as ^(?s:v)$: `.` matches newlines.
      re = new RegExp(`^(?:${t.source})$`, t.flags.includes('s') ? t.flags : `${t.flags}s`);
    } catch (e) {
      re = `is not a valid regex (${(e as Error).message})`;
    }
  }
  compiled.set(pattern, re);
  return re;
}

/** A label matcher as PromQL and Alertmanager write it. */
export interface LabelMatcher {
  name: string;
  op: string;
  value: string;
}

/**
 * Whether a series' label value (`''` for a label it does not have) satisfies the matcher, as
 * Prometheus decides; undefined where obsgen cannot evaluate the regex.
 */
export function matcherMatches(m: LabelMatcher, value: string): boolean | undefined {
  if (m.op === '=') return value === m.value;
  if (m.op === '!=') return value !== m.value;
  const re = re2Regexp(m.value);
  if (typeof re === 'string') return undefined;
  return m.op === '=~' ? re.test(value) : !re.test(value);
}

// --- examples: strings a pattern matches (a small generator over the syntax most label regexes use)

const LIMIT = 24;

type Gen = () => string[];

/**
 * Up to LIMIT strings the pattern matches, the plainest first (first alternative, fewest
 * repetitions); empty where the generator does not know the syntax. Callers check every
 * example against the real matcher, so a wrong guess here costs a candidate, not correctness.
 */
export function re2Examples(pattern: string): string[] {
  const re = re2Regexp(pattern);
  const t = translate(pattern, true);
  if (typeof re === 'string' || !('source' in t)) return [];
  let i = 0;
  const src = t.source;
  const fail = (): never => {
    throw new Error('unsupported');
  };
  const product = (parts: string[][]): string[] => {
    let acc = [''];
    for (const p of parts) {
      const next: string[] = [];
      // Vary the later parts first but keep every option of each part reachable.
      for (const a of acc) for (const b of p) if (next.length < LIMIT * 4) next.push(a + b);
      acc = next;
    }
    return acc;
  };
  const classChars = (body: string, negated: boolean): string[] => {
    let cls: RegExp;
    try {
      cls = new RegExp(`^[${negated ? '^' : ''}${body}]$`, t.flags.replace('s', ''));
    } catch {
      return fail();
    }
    const pool = 'xa0Z_-9z.A5:/ 1';
    const picks: string[] = [];
    // The class's own first literal character comes first: `[5]xx` -> `5`.
    const first = body.replace(/^\\/, '')[0];
    if (!negated && first && cls.test(first)) picks.push(first);
    for (const ch of pool) if (cls.test(ch) && !picks.includes(ch)) picks.push(ch);
    if (!picks.length) for (let code = 33; code < 127 && picks.length < 2; code++) if (cls.test(String.fromCharCode(code))) picks.push(String.fromCharCode(code));
    return picks.slice(0, 3);
  };
  const escape = (n: string): string[] => {
    switch (n) {
      case 'd':
        return ['0', '5'];
      case 'D':
        return ['x'];
      case 'w':
        return ['x', '0'];
      case 'W':
        return ['-'];
      case 's':
        return [' '];
      case 'S':
        return ['x'];
      case 't':
        return ['\t'];
      case 'n':
        return ['\n'];
      case 'b':
      case 'B':
        return fail();
      default:
        if (/[A-Za-z0-9]/.test(n)) return fail();
        return [n];
    }
  };
  const atom = (): string[] => {
    const c = src[i]!;
    if (c === '(') {
      i++;
      if (src.startsWith('?:', i)) i += 2;
      else if (src.startsWith('?<', i)) i = src.indexOf('>', i) + 1;
      const inner = alternation();
      if (src[i] !== ')') fail();
      i++;
      return inner;
    }
    if (c === '[') {
      let j = i + 1;
      const negated = src[j] === '^';
      if (negated) j++;
      const start = j;
      if (src[j] === ']' || src.startsWith('\\]', j)) j += src[j] === ']' ? 1 : 2;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      const body = src.slice(start, j);
      i = j + 1;
      return classChars(body, negated);
    }
    if (c === '\\') {
      i += 2;
      return escape(src[i - 1]!);
    }
    if (c === '.') {
      i++;
      return ['x', 'a', '0'];
    }
    if (c === '^' || c === '$') {
      i++;
      return [''];
    }
    if ('*+?{)|'.includes(c)) return fail();
    i++;
    return [c];
  };
  const repeat = (opts: string[], min: number, max: number): string[] => {
    const out: string[] = [];
    for (let n = min; n <= Math.min(max, min + 2); n++) out.push(...product(Array.from({ length: n }, () => opts)).slice(0, LIMIT));
    return out;
  };
  const piece = (): string[] => {
    const a = atom();
    const c = src[i];
    let r: string[] = a;
    if (c === '*') (i++, (r = repeat(a, 0, 2)));
    else if (c === '+') (i++, (r = repeat(a, 1, 2)));
    else if (c === '?') (i++, (r = ['', ...a]));
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (m) {
        i += m[0].length;
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? min + 2 : Number(m[3]);
        r = repeat(a, min, max);
      }
    }
    if (src[i] === '?' && r !== a) i++; // lazy: the same strings
    return r;
  };
  const sequence = (): string[] => {
    const parts: string[][] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') parts.push(piece());
    return product(parts).slice(0, LIMIT);
  };
  const alternation = (): string[] => {
    const branches = [sequence()];
    while (src[i] === '|') {
      i++;
      branches.push(sequence());
    }
    // Each branch's plainest string first, then the rest in turn.
    const out: string[] = [];
    for (let k = 0; out.length < LIMIT && branches.some((b) => k < b.length); k++) for (const b of branches) if (k < b.length) out.push(b[k]!);
    return out;
  };
  try {
    const all = alternation();
    if (i !== src.length) return [];
    return [...new Set(all)].filter((s) => re.test(s)).slice(0, LIMIT);
  } catch {
    return [];
  }
}
