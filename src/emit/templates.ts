/** Loads and compiles the handlebars templates beside this file once. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

const hb = Handlebars.create();
hb.registerHelper('yamlString', (value: unknown) => JSON.stringify(String(value)));

const dir = join(dirname(fileURLToPath(import.meta.url)), 'templates');
const cache = new Map<string, HandlebarsTemplateDelegate>();

export function renderHbs(name: string, data: unknown): string {
  let t = cache.get(name);
  if (!t) {
    t = hb.compile(readFileSync(join(dir, name), 'utf8'), { noEscape: true, strict: false });
    cache.set(name, t);
  }
  return t(data);
}
