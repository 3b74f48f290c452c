// Round trip of `obsgen import rules` over a corpus of rule files (docs/import.md):
// each file -> printed stack file -> loaded as a stack -> built -> its rule files compared
// with the original, normalised (group membership and order, names, exprs verbatim, labels,
// annotations, for, keep_firing_for, group interval, limit, query_offset and labels).
//   OBSGEN_RULES_CORPUS=/work/corpus/files npx tsx scripts/import-roundtrip.ts
// OBSGEN_VERIFY=1 also writes each bundle, verifies it (promtool check, amtool) and runs the generated tests on
// obsgen's engine (what `obsgen test` runs) and on promtool.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { importRules, rulesToTypeScript } from '../src/import/rules.ts';
import { trySynth } from '../src/stack/synth.ts';
import { bundleFiles } from '../src/emit/files.ts';
import { buildStack } from '../src/stack/build.ts';
import { parseDuration } from '../src/core/duration.ts';
import { runBundleTests } from '../src/cli/runtests.ts';

const corpus = process.env.OBSGEN_RULES_CORPUS;
if (!corpus) {
  console.error('set OBSGEN_RULES_CORPUS to a directory of Prometheus rule files (*.yml, *.yaml)');
  process.exit(1);
}
// OBSGEN_VERIFY=tests writes each bundle and runs only the generated tests (engine and promtool), without the tools' checks.
const verify = process.env.OBSGEN_VERIFY === '1' || process.env.OBSGEN_VERIFY === 'tests';
const verifyTools = process.env.OBSGEN_VERIFY === '1';

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(f) ? [p] : [];
    });
}

type Raw = Record<string, unknown>;
const dur = (v: unknown) => (typeof v === 'string' ? String(parseDuration(v)) : '');
const sortMap = (m: unknown) => (m && typeof m === 'object' ? Object.fromEntries(Object.entries(m as Raw).sort(([a], [b]) => (a < b ? -1 : 1))) : {});

/** A group as Prometheus reads it: what decides which series and alerts it produces. */
function normalGroup(g: Raw): { name: string; text: string; rules: string[] } {
  // Group labels count as each rule's (what Prometheus attaches), so a rule label the group also sets compares equal.
  const groupLabels = g.labels && typeof g.labels === 'object' ? (g.labels as Raw) : {};
  const rules = (Array.isArray(g.rules) ? (g.rules as Raw[]) : []).map((r) =>
    JSON.stringify({
      kind: r.alert !== undefined ? 'alert' : 'record',
      name: r.alert ?? r.record,
      expr: r.expr,
      for: dur(r.for),
      keepFiringFor: dur(r.keep_firing_for),
      labels: sortMap({ ...groupLabels, ...((r.labels as Raw | undefined) ?? {}) }),
      annotations: sortMap(r.annotations),
    }),
  );
  return { name: String(g.name), text: JSON.stringify({ interval: dur(g.interval), limit: g.limit ?? '0', queryOffset: dur(g.query_offset), labels: sortMap(groupLabels) }), rules };
}

function groupsOfText(text: string): Raw[] {
  return parseAllDocuments(text, { schema: 'failsafe' }).flatMap((d) => {
    const j = d.toJS() as Raw | null;
    if (!j) return [];
    if (Array.isArray(j.groups)) return j.groups as Raw[];
    const spec = j.spec as Raw | undefined;
    return j.kind === 'PrometheusRule' && Array.isArray(spec?.groups) ? (spec.groups as Raw[]) : [];
  });
}

const index = resolve('src/index.ts');
const work = mkdtempSync(join(tmpdir(), 'obsgen-import-rt-'));
const totals = { files: 0, groups: 0, rules: 0, alerts: 0, identical: 0, tested: 0, importErrors: 0, empty: 0, buildFailed: 0, verifyFailed: 0, testCases: 0, testsFailed: 0, promtoolCases: 0, promtoolFailed: 0 };
const problems: string[] = [];
const warnings = new Map<string, number>();
let stackNo = 0;
for (const file of walk(corpus)) {
  totals.files++;
  const name = relative(corpus, file);
  const text = readFileSync(file, 'utf8');
  const original = groupsOfText(text).map(normalGroup).filter((g) => g.rules.length);
  totals.groups += original.length;
  const ruleCount = original.reduce((n, g) => n + g.rules.length, 0);
  totals.rules += ruleCount;
  totals.alerts += original.reduce((n, g) => n + g.rules.filter((r) => r.startsWith('{"kind":"alert"')).length, 0);
  if (ruleCount === 0) {
    // Nothing to carry over: Prometheus loads the file and evaluates nothing.
    totals.empty++;
    continue;
  }
  const imported = importRules([{ file: name, text }]);
  totals.tested += imported.tested;
  if (imported.errors.length) {
    totals.importErrors++;
    problems.push(`${name}: import: ${imported.errors.slice(0, 3).join('; ')}`);
    continue;
  }
  const code = rulesToTypeScript(imported, `rt-${++stackNo}`, [name]).replace("from 'obsgen'", `from ${JSON.stringify(pathToFileURL(index).href)}`);
  const stackFile = join(work, `s${stackNo}.ts`);
  writeFileSync(stackFile, code);
  const stack = ((await import(pathToFileURL(stackFile).href)) as { default: unknown }).default;
  const result = trySynth(stack);
  for (const d of result.diagnostics.items) if (d.severity === 'warning') warnings.set(d.code, (warnings.get(d.code) ?? 0) + 1);
  if (!result.bundle) {
    totals.buildFailed++;
    const errs = result.diagnostics.items.filter((d) => d.severity === 'error');
    problems.push(`${name}: build refused (${errs.length} errors): ${errs.slice(0, 2).map((d) => `${d.path} ${d.code}: ${d.message.split('\n')[0]}`).join('; ')}`);
    continue;
  }
  const built = new Map<string, { text: string; rules: string[] }>();
  for (const [p, content] of bundleFiles(result.bundle).files) {
    if (!p.startsWith('prometheus/rules/')) continue;
    for (const g of (parse(content) as { groups: Raw[] }).groups) {
      // Read back as the original was: every scalar as written.
      const again = groupsOfText(content).find((x) => x.name === g.name)!;
      const n = normalGroup(again);
      built.set(n.name, n);
    }
  }
  let same = 0;
  for (const g of original) {
    const b = built.get(g.name);
    if (!b) {
      problems.push(`${name}: group ${g.name} missing from the bundle`);
      continue;
    }
    if (b.text !== g.text) problems.push(`${name}: group ${g.name}: ${b.text} != ${g.text}`);
    g.rules.forEach((r, i) => {
      if (b.rules[i] === r) same++;
      else problems.push(`${name}: group ${g.name} rule ${i}: built ${b.rules[i]?.slice(0, 200)} != ${r.slice(0, 200)}`);
    });
    if (b.rules.length !== g.rules.length) problems.push(`${name}: group ${g.name}: ${b.rules.length} rules built, ${g.rules.length} in the file`);
  }
  totals.identical += same;
  if (verify) {
    const out = join(work, 'out');
    mkdirSync(out, { recursive: true });
    const r = buildStack(stack, out, { verify: verifyTools });
    const failed = r.verify?.ran.filter((t) => !t.ok) ?? [];
    if (!r.ok || failed.length) {
      totals.verifyFailed++;
      problems.push(`${name}: verify: ${failed.map((t) => `${t.tool}: ${t.output.split('\n').filter((l) => /FAIL|error|expected|got/i.test(l)).slice(0, 4).join(' | ')}`).join('; ')}`);
    } else {
      // What `obsgen test` runs: the generated promtool tests and the route tests.
      const tests = runBundleTests(join(out, result.bundle.stack), result.bundle.stack);
      totals.testCases += tests.ruleCases;
      if (tests.ruleFailures.length || tests.routeFailures.length) {
        totals.testsFailed++;
        problems.push(`${name}: obsgen test: ${[...tests.ruleFailures, ...tests.routeFailures].join(' | ').replace(/\s+/g, ' ').slice(0, 600)}`);
      }
      // The same generated tests on promtool.
      const onPromtool = runBundleTests(join(out, result.bundle.stack), result.bundle.stack, { engine: 'promtool' });
      totals.promtoolCases += onPromtool.ruleCases;
      if (onPromtool.ruleFailures.length) {
        totals.promtoolFailed++;
        problems.push(`${name}: promtool test rules: ${onPromtool.ruleFailures.join(' | ').replace(/\s+/g, ' ').slice(0, 600)}`);
      }
    }
    rmSync(join(out, result.bundle.stack), { recursive: true, force: true });
  }
}
rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify({ corpus, ...totals, warnings: Object.fromEntries([...warnings].sort()) }, null, 2));
for (const p of problems) console.log(`- ${p}`);
