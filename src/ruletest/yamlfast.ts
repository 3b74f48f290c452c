/**
 * A fast path for decodeStrict (yamlstrict.ts): the block-style YAML that obsgen and most people
 * write (block mappings and sequences, plain, single- and double-quoted one-line scalars, `|` and
 * `|-` literals, `[]`/`{}`, comments) read straight into plain data, about ten times faster than
 * building yaml's Document, which dominated a large stack's rule tests.
 *
 * It reads only what it is sure of: anything else (anchors, tags, flow collections with items,
 * folded or multi-line scalars, tabs, odd indentation, duplicate keys, a shape mismatch) returns
 * undefined, and decodeStrict takes the full parser, which also words the errors.
 */
import type { Shape, Struct } from './yamlstrict.ts';

class Bail extends Error {}

class FMap {
  constructor(readonly pairs: [string, Node][]) {}
}
type Node = string | Node[] | FMap | null;

interface Line {
  indent: number;
  /** The line without its indentation and trailing blanks. */
  text: string;
  /** Without its indentation only: a literal keeps trailing blanks. */
  full: string;
}

const KEY = /^([A-Za-z0-9_./-]+):(?: +|$)/;
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0' };

class Reader {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  /** Index of the next line that is not blank or a comment, from i. */
  private next(): number {
    let j = this.i;
    while (j < this.lines.length) {
      const t = this.lines[j]!.text;
      if (t !== '' && !t.startsWith('#')) break;
      j++;
    }
    return j;
  }

  document(): Node {
    const j = this.next();
    if (j >= this.lines.length) return null;
    if (this.lines[j]!.indent !== 0) throw new Bail();
    const v = this.node(0);
    if (this.next() < this.lines.length) throw new Bail();
    return v;
  }

  /** The block collection starting at the next significant line, whose indent must be at least min. */
  private node(min: number): Node {
    this.i = this.next();
    const l = this.lines[this.i];
    if (!l || l.indent < min) throw new Bail();
    return l.text === '-' || l.text.startsWith('- ') ? this.seq(l.indent) : this.map(l.indent);
  }

  private seq(indent: number): Node[] {
    const out: Node[] = [];
    for (;;) {
      this.i = this.next();
      const l = this.lines[this.i];
      const dash = l !== undefined && (l.text === '-' || l.text.startsWith('- '));
      // A key at the dashes' column ends a sequence written at its key's column (`key:\n- a\nnext: b`).
      if (!l || l.indent < indent || (l.indent === indent && !dash)) return out;
      if (l.indent > indent) throw new Bail();
      const rest = l.text.slice(1);
      const content = rest.trimStart();
      if (content === '' || content.startsWith('#')) {
        this.i++;
        out.push(this.node(indent + 1));
      } else if (KEY.test(content)) {
        // `- key: value`: a mapping whose column is that of `key`.
        const col = indent + 1 + (rest.length - content.length);
        this.lines[this.i] = { indent: col, text: content, full: l.full.slice(1 + rest.length - content.length) };
        out.push(this.map(col));
      } else {
        this.i++;
        out.push(this.inline(content, indent));
      }
    }
  }

  private map(indent: number): FMap {
    const pairs: [string, Node][] = [];
    const seen = new Set<string>();
    for (;;) {
      this.i = this.next();
      const l = this.lines[this.i];
      if (!l || l.indent < indent) break;
      if (l.indent > indent || l.text === '-' || l.text.startsWith('- ')) {
        // A sequence may sit at its key's column (`key:\n- a`), handled below; anything else is odd.
        throw new Bail();
      }
      const m = KEY.exec(l.text);
      if (!m) throw new Bail();
      const key = m[1]!;
      if (seen.has(key)) throw new Bail();
      seen.add(key);
      const rest = l.text.slice(m[0].length);
      this.i++;
      let value: Node;
      if (rest === '' || rest.startsWith('#')) {
        const j = this.next();
        const n = this.lines[j];
        if (n && n.indent > indent) value = this.node(indent + 1);
        else if (n && n.indent === indent && (n.text === '-' || n.text.startsWith('- '))) value = this.seq(indent);
        else value = '';
      } else value = this.inline(rest, indent);
      pairs.push([key, value]);
    }
    return new FMap(pairs);
  }

  /** A value written on its key's (or dash's) line; the reader is on the line after it. */
  private inline(text: string, parent: number): Node {
    const c = text[0]!;
    let value: Node;
    let after = '';
    if (c === '"') {
      let out = '';
      let k = 1;
      for (; k < text.length && text[k] !== '"'; k++) {
        if (text[k] !== '\\') {
          out += text[k];
          continue;
        }
        const e = text[++k];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(k + 1, k + 5))) {
          out += String.fromCharCode(parseInt(text.slice(k + 1, k + 5), 16));
          k += 4;
        } else if (e !== undefined && ESCAPES[e] !== undefined) out += ESCAPES[e];
        else throw new Bail();
      }
      if (k >= text.length) throw new Bail();
      value = out;
      after = text.slice(k + 1);
    } else if (c === "'") {
      let out = '';
      let k = 1;
      for (; k < text.length; k++) {
        if (text[k] !== "'") out += text[k];
        else if (text[k + 1] === "'") (out += "'"), k++;
        else break;
      }
      if (k >= text.length) throw new Bail();
      value = out;
      after = text.slice(k + 1);
    } else if (c === '|') {
      if (text !== '|' && text !== '|-') throw new Bail();
      return this.literal(parent, text === '|-');
    } else if (text.startsWith('[]') || text.startsWith('{}')) {
      value = c === '[' ? [] : new FMap([]);
      after = text.slice(2);
    } else {
      if ('[{&*!%@`>?:,#'.includes(c) || text.startsWith('- ') || text.includes('\t')) throw new Bail();
      const hash = text.indexOf(' #');
      const v = (hash >= 0 ? text.slice(0, hash) : text).trimEnd();
      if (v.includes(': ') || v.endsWith(':')) throw new Bail();
      value = v;
    }
    if (after.trim() !== '' && !/^\s+#/.test(after)) throw new Bail();
    // A deeper line after a one-line value would continue it (a multi-line scalar): not ours.
    const n = this.lines[this.next()];
    if (n && n.indent > parent) throw new Bail();
    return value;
  }

  /** A `|` or `|-` literal whose header ended the previous line. */
  private literal(parent: number, strip: boolean): string {
    const body: string[] = [];
    let blockIndent = -1;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.text === '') {
        if (blockIndent >= 0 && l.indent > blockIndent) throw new Bail();
        body.push('');
        this.i++;
        continue;
      }
      if (blockIndent < 0) {
        if (l.indent <= parent) break;
        blockIndent = l.indent;
      }
      if (l.indent < blockIndent) {
        if (l.indent > parent) throw new Bail();
        break;
      }
      body.push(' '.repeat(l.indent - blockIndent) + l.full);
      this.i++;
    }
    if (blockIndent < 0) throw new Bail();
    // Trailing blank lines belong to no one here: give them back, as chomping drops them anyway.
    while (body.length && body[body.length - 1] === '') {
      body.pop();
      this.i--;
    }
    return strip ? body.join('\n') : `${body.join('\n')}\n`;
  }
}

function walk(n: Node, s: Shape): unknown {
  if (n === null) return null;
  if (typeof n === 'string') {
    if (typeof s === 'object' || s === 'stringMap' || s === 'stringList') throw new Bail();
    return n === '~' || n === 'null' || n === 'Null' || n === 'NULL' ? null : n;
  }
  if (Array.isArray(n)) {
    const item: Shape | undefined = s === 'stringList' ? 'string' : typeof s === 'object' && 'list' in s ? s.list : undefined;
    if (!item) throw new Bail();
    return n.map((x) => walk(x, item));
  }
  const out: Record<string, unknown> = {};
  if (s === 'stringMap') {
    for (const [k, v] of n.pairs) out[k] = walk(v, 'string') ?? '';
    return out;
  }
  if (typeof s !== 'object' || 'list' in s) throw new Bail();
  for (const [k, v] of n.pairs) {
    const fs = s.fields[k];
    if (!fs) throw new Bail();
    out[k] = walk(v, fs);
  }
  return out;
}

/** decodeStrict's value for `text`, or undefined where the full parser must read it. */
export function decodeFast(text: string, shape: Struct): { value: unknown } | undefined {
  // Without a final newline, a closing literal's chomping differs: leave such files to the full parser.
  if (!text.endsWith('\n') || text.includes('\r') || text.startsWith('%') || /^(---|\.\.\.)/m.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    let k = 0;
    while (raw.charCodeAt(k) === 32) k++;
    if (raw[k] === '\t') return undefined;
    const full = raw.slice(k);
    const t = full.trimEnd();
    lines.push({ indent: t === '' ? raw.length : k, text: t, full });
  }
  try {
    return { value: walk(new Reader(lines).document(), shape) };
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}
