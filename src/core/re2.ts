/**
 * Prometheus label regexes in JavaScript. Prometheus compiles a matcher's value with Go's RE2 as
 * `^(?s:<value>)$`: fully anchored, `.` matching newlines. JavaScript's RegExp reads most of that
 * syntax the same way but not all of it: RE2's flag groups (`(?i)`), POSIX classes (`[[:alpha:]]`,
 * which JavaScript silently reads as a different class) and `\Q...\E` are translated here, and
 * what cannot be translated is reported rather than guessed. `re2Examples` gives strings a
 * pattern matches, for test inputs that must satisfy a selector.
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

/** The RE2 pattern as JavaScript regex source and flags, or why it cannot be read. */
function translate(pattern: string): { source: string; flags: string } | string {
  let src = pattern;
  let flags = 's';
  // Leading flag groups apply to the whole pattern: the only place JavaScript (Node 20) can take them.
  for (let m = /^\(\?([imsU]+)\)/.exec(src); m; m = /^\(\?([imsU]+)\)/.exec(src)) {
    if (m[1]!.includes('U')) return 'uses the ungreedy flag (?U), which obsgen cannot evaluate';
    for (const f of m[1]!) if (f !== 's' && !flags.includes(f)) flags += f;
    src = src.slice(m[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return 'ends with a lone backslash';
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? undefined : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (n === 'p' || n === 'P') return 'uses a Unicode class (\\p), which obsgen cannot evaluate';
      if (/[1-9]/.test(n)) return 'uses a backreference, which RE2 (and so Prometheus) does not support';
      if (n === 'A' && !inClass) (out += '^'), i++;
      else if (n === 'z' && !inClass) (out += '$'), i++;
      else if (n === 'C') return 'uses \\C, which obsgen cannot evaluate';
      else (out += c + n), i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end < 0 ? '' : src.slice(i + 2, end);
        if (!POSIX[name]) return `uses the class [:${name}:], which obsgen cannot evaluate`;
        out += POSIX[name];
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
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
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith(':')) (out += '(?:'), (i += 2);
      else if (rest.startsWith('P<')) (out += '(?<'), (i += 3);
      else if (/^<[A-Za-z_]/.test(rest)) (out += '(?<'), (i += 2);
      else if (/^s+:/.test(rest)) (out += '(?:'), (i += 2 + rest.indexOf(':'));
      else if (/^[=!]|^<[=!]/.test(rest)) return 'uses a lookaround, which RE2 (and so Prometheus) does not support';
      else return `uses the flag group (?${rest.slice(0, rest.search(/[:)]/) + 1)} inside the pattern, which obsgen cannot evaluate (put flags such as (?i) at the start)`;
      continue;
    }
    out += c;
  }
  return { source: out, flags };
}

const compiled = new Map<string, RegExp | string>();

/** The anchored RegExp Prometheus matches a label value with, or why obsgen cannot evaluate the pattern. */
export function re2Regexp(pattern: string): RegExp | string {
  const hit = compiled.get(pattern);
  if (hit !== undefined) return hit;
  const t = translate(pattern);
  let re: RegExp | string;
  if (typeof t === 'string') re = t;
  else {
    try {
      re = new RegExp(`^(?:${t.source})$`, t.flags);
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
  const t = translate(pattern);
  if (typeof re === 'string' || typeof t === 'string') return [];
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
