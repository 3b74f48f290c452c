/**
 * A structural check of an Alertmanager template file (Go text/template with `define`, `block`
 * and `template` actions) for machines without amtool: every action closed, every block keyword
 * (if, with, range, define, block) closed by its own `end`, no stray `else`/`end`. Function names
 * are not checked: Alertmanager's template functions differ from Prometheus's.
 */
const OPENERS = new Set(['if', 'with', 'range', 'define', 'block']);

/** The first problem of a template file's text, or undefined. */
export function templateFileProblem(text: string): string | undefined {
  const open: { keyword: string; line: number }[] = [];
  const lineAt = (i: number) => text.slice(0, i).split('\n').length;
  let i = 0;
  while ((i = text.indexOf('{{', i)) >= 0) {
    const close = actionEnd(text, i + 2);
    if (close < 0) return `line ${lineAt(i)}: unclosed action (missing }})`;
    const body = text.slice(i + 2, close).replace(/^-\s/, '').replace(/\s-$/, '').trim();
    i = close + 2;
    if (body.startsWith('/*')) continue;
    const keyword = /^(\w+)\b/.exec(body)?.[1] ?? '';
    if (OPENERS.has(keyword)) open.push({ keyword, line: lineAt(i) });
    else if (keyword === 'end' && !open.pop()) return `line ${lineAt(i)}: unexpected {{ end }}`;
    else if (keyword === 'else' && !open.some((o) => o.keyword === 'if' || o.keyword === 'with' || o.keyword === 'range')) return `line ${lineAt(i)}: unexpected {{ else }}`;
  }
  const last = open.pop();
  return last ? `line ${last.line}: {{ ${last.keyword} }} has no {{ end }}` : undefined;
}

/** The index of the `}}` that closes an action, skipping quoted strings; -1 if none. */
function actionEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i += text[i] === '\\' ? 2 : 1);
    } else if (c === '`') {
      i = text.indexOf('`', i + 1);
      if (i < 0) return -1;
    } else if (c === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}
