/**
 * Whether a regular expression is valid RE2, the syntax Prometheus and Alertmanager compile
 * (Go's regexp). JavaScript's RegExp accepts things RE2 refuses (lookaround, backreferences)
 * and refuses things RE2 accepts (`(?P<name>`, `(?i)`, `\z`), so the text is scanned for the
 * first kind and translated for the second before JavaScript compiles it.
 */

/** Why RE2 refuses `source`, or undefined when it compiles. */
export function re2Problem(source: string): string | undefined {
  const t = translate(source);
  if (typeof t === 'string') return t;
  try {
    new RegExp(t.js, t.flags);
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '');
  }
  return undefined;
}

/**
 * A JavaScript RegExp that matches as the RE2 `source` does, anchored at both ends as
 * Prometheus and Alertmanager anchor matchers. Inline flags apply to the whole expression
 * (RE2 can scope them to a group; obsgen's route walk takes that approximation).
 */
export function anchoredRe2(source: string): RegExp {
  const t = translate(source);
  if (typeof t === 'string') throw new Error(`invalid RE2 regular expression ${JSON.stringify(source)}: ${t}`);
  return new RegExp(`^(?:${t.js})$`, t.flags);
}

function translate(source: string): { js: string; flags: string } | string {
  let js = '';
  const flagSet = new Set<string>();
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\\') {
      if (next === undefined) return 'trailing backslash';
      if (!inClass && /[1-9]/.test(next)) return `backreference \\${next}: RE2 has no backreferences`;
      if (next === 'k' && source[i + 2] === '<') return 'named backreference \\k<...>: RE2 has no backreferences';
      if (next === 'z') js += '$';
      else if (next === 'A') js += '^';
      else if (next === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        const literal = source.slice(i + 2, end === -1 ? undefined : end);
        js += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end === -1 ? source.length : end + 1;
        continue;
      } else if (next === 'p' || next === 'P') {
        // Unicode classes (\pL, \p{Greek}): JavaScript needs the u flag; stand in a plain class.
        const brace = source[i + 2] === '{' ? source.indexOf('}', i + 2) : i + 2;
        if (brace === -1) return 'unterminated \\p{...}';
        js += inClass ? 'a' : '[a]';
        i = brace;
        continue;
      } else js += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && next === ':') {
        const end = source.indexOf(':]', i + 2);
        if (end === -1) return 'unterminated POSIX class [:...:]';
        const name = source.slice(i + 2, end).replace(/^\^/, '');
        if (!POSIX_CLASSES.has(name)) return `unknown POSIX class [:${name}:]`;
        js += 'a';
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
      js += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      js += c;
      if (next === '^') {
        js += '^';
        i++;
      }
      // A `]` right after `[` or `[^` is a literal in RE2.
      if (source[i + 1] === ']') {
        js += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && next === '?') {
      const rest = source.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) return 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported by RE2';
      if (rest.startsWith('>')) return 'atomic groups (?>...) are not supported by RE2';
      const named = /^P?<([A-Za-z_]\w*)>/.exec(rest);
      if (named) {
        js += `(?<${named[1]}>`;
        i += 1 + named[0].length;
        continue;
      }
      const flags = /^([imsU]*)(?:-([imsU]*))?(:|\))/.exec(rest);
      if (flags && (flags[1] || flags[2] !== undefined)) {
        // Inline flags: RE2 syntax; JavaScript takes i and s for the whole expression.
        for (const f of flags[1] ?? '') if (f === 'i' || f === 's') flagSet.add(f);
        js += flags[3] === ':' ? '(?:' : '';
        i += 1 + flags[0].length;
        continue;
      }
      if (!rest.startsWith(':')) return `invalid or unsupported group (?${rest.slice(0, 3)}`;
    }
    if (c === '{') {
      const rep = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i));
      if (rep && (Number(rep[1]) > 1000 || (rep[2] ? Number(rep[2]) > 1000 : false))) return `repetition ${rep[0]} exceeds RE2's limit of 1000`;
    }
    js += c;
  }
  return { js, flags: [...flagSet].sort().join('') };
}

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
