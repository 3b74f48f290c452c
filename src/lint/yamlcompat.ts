/**
 * What Prometheus's YAML parser (go-yaml) loads and the `yaml` package refuses: a multi-line
 * quoted scalar whose continuation lines sit at (or left of) the indent of its key, e.g.
 *
 *   description: "line one
 *   line two"
 *
 * go-yaml folds such a scalar like any other; YAML 1.2 requires continuation lines to be
 * indented more than the key. Line folding drops the leading spaces of continuation lines,
 * so indenting them further changes no value: this pre-pass does that, keeping line numbers.
 */

/** Where a quoted scalar starts on a line: after `key: `, `- ` or at the line's start. */
const QUOTE_START = /^(\s*(?:-\s+)*)(?:(?:[^\s#'"\-][^#]*?|-[^\s#][^#]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:\s+)?(?=["'])/;

/** Index just past the closing quote, or -1 when the scalar continues on the next line. */
function closeOf(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (quote === '"' && ch === '\\') {
      i++;
      continue;
    }
    if (ch === quote) {
      if (quote === "'" && line[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

/** The text with continuation lines of multi-line quoted scalars indented past their key; unchanged when none needs it. */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const m = QUOTE_START.exec(lines[i]!);
    if (!m) continue;
    const start = m[0].length;
    const quote = lines[i]![start]!;
    if (closeOf(lines[i]!, start + 1, quote) >= 0) continue;
    // The key's indent: the line's own indent, or the column after `- ` for a sequence item.
    const keyIndent = m[1]!.length;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      const body = line.trimStart();
      const indent = line.length - body.length;
      if (body !== '' && indent <= keyIndent) {
        lines[j] = ' '.repeat(keyIndent + 1) + body;
        changed = true;
      }
      if (closeOf(line, 0, quote) >= 0) break;
    }
    i = j;
  }
  return changed ? lines.join('\n') : text;
}
