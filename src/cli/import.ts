/**
 * `obsgen import openslo|rules|alertmanager|grafana FILE...`: prints TypeScript for a stack file
 * from what a team already has. Output goes to stdout, problems to stderr (exit 1 on any).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { openSloToTypeScript } from '../slo/openslo.ts';
import { importRules, rulesToTypeScript } from '../import/rules.ts';
import { alertmanagerToTypeScript } from '../import/alertmanager.ts';
import { grafanaToTypeScript } from '../import/grafana.ts';
import { flag, type Args } from './args.ts';
import { IMPORT_HELP } from './help.ts';

function read(files: string[]): { file: string; text: string }[] | undefined {
  const out: { file: string; text: string }[] = [];
  let failed = false;
  for (const file of files) {
    try {
      out.push({ file, text: readFileSync(file, 'utf8') });
    } catch (e) {
      console.error(`error: cannot read ${file}: ${(e as Error).message}`);
      failed = true;
    }
  }
  return failed ? undefined : out;
}

/**
 * Template files of an alertmanager.yml `templates:` entry: the path (or `*` glob in its file
 * name) relative to the config's folder as Alertmanager resolves it; an absolute path that is not
 * on this machine (`/etc/alertmanager/templates/*.tmpl`) is looked for under the config's folder
 * by its last folder and file name, then by file name.
 */
export function templateReader(configFile: string): (pattern: string) => { name: string; content: string }[] {
  const base = dirname(resolve(configFile));
  return (pattern) => {
    const candidates = isAbsolute(pattern) ? [pattern, join(base, basename(dirname(pattern)), basename(pattern)), join(base, basename(pattern))] : [resolve(base, pattern)];
    for (const c of candidates) {
      const dir = dirname(c);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      const re = new RegExp(`^${basename(c).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      const names = readdirSync(dir).filter((f) => re.test(f) && statSync(join(dir, f)).isFile()).sort();
      if (names.length) return names.map((name) => ({ name, content: readFileSync(join(dir, name), 'utf8') }));
    }
    return [];
  };
}

/** A stack name from a file name: lowercase letters, digits and -. */
function stackNameOf(file: string): string {
  return basename(file).replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'imported';
}

function finish(r: { code: string; errors: string[]; notes?: string[] }): number {
  process.stdout.write(r.code);
  for (const n of r.notes ?? []) console.error(`note: ${n}`);
  for (const e of r.errors) console.error(`error: ${e}`);
  return r.errors.length ? 1 : 0;
}

export function cmdImport(args: Args): number {
  const [, format, ...files] = args.positional;
  const known = ['openslo', 'rules', 'alertmanager', 'grafana'];
  if (!format || !known.includes(format) || files.length === 0 || (['openslo', 'alertmanager'].includes(format) && files.length !== 1)) {
    console.error(`usage:\n${IMPORT_HELP}`);
    return 1;
  }
  const inputs = read(files);
  if (!inputs) return 1;
  const name = flag(args, 'name') ?? stackNameOf(files[0]!);
  switch (format) {
    case 'openslo':
      return finish(openSloToTypeScript(inputs[0]!.text, inputs[0]!.file));
    case 'rules': {
      const r = importRules(inputs);
      return finish({ code: rulesToTypeScript(r, name, files), errors: r.errors, notes: r.notes });
    }
    case 'alertmanager':
      return finish(alertmanagerToTypeScript(inputs[0]!.text, inputs[0]!.file, templateReader(inputs[0]!.file)));
    default:
      return finish(grafanaToTypeScript(inputs, { raw: args.flags.has('raw') }));
  }
}
