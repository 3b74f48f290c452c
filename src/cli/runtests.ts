/**
 * `obsgen test`: the bundle's rule unit tests and Alertmanager route tests. Rule tests run in
 * process on obsgen's PromQL engine (Prometheus 3 semantics) by default, or through the real
 * promtool with `--engine promtool`; route tests through amtool when it is on PATH, else
 * obsgen's own route walk over the emitted alertmanager.yml.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { standInNewerReceivers, standInUrlFiles } from '../emit/amtoolcompat.ts';
import { hasTool } from '../emit/verify.ts';
import { inhibits, type InhibitionCase } from '../alertmanager/inhibit.ts';
import { parseMatcher } from '../alertmanager/matchers.ts';
import { checkRuleExpr, problemId } from '../promql/index.ts';
import { parseAlertmanager, type LoadProblem } from '../lint/input.ts';
import { routeAlert } from '../alertmanager/build.ts';
import { engineFactory } from '../ruletest/engine.ts';
import { reportLines, reportText, testRules } from '../ruletest/report.ts';

export type RuleEngineChoice = 'obsgen' | 'promtool';

export interface TestSummary {
  stack: string;
  ruleFiles: number;
  ruleCases: number;
  ruleFailures: string[];
  routeCases: number;
  routeFailures: string[];
  inhibitionCases: number;
  missing: string[];
  /** What ran the rule tests and the route tests. */
  ruleEngine: RuleEngineChoice;
  routeEngine: 'amtool' | 'obsgen';
}

/**
 * The config amtool 0.25 reads: the file itself, or a temporary copy without what it predates
 * (url_file, newer integrations and *_file fields: src/emit/amtoolcompat.ts); routing is unchanged.
 */
function amtoolReadableConfig(file: string): { path: string; remove: () => void } {
  const config = parse(readFileSync(file, 'utf8')) as Parameters<typeof standInUrlFiles>[0] & Parameters<typeof standInNewerReceivers>[0];
  if (standInUrlFiles(config).length + standInNewerReceivers(config).length === 0) return { path: file, remove: () => {} };
  // Routing does not read templates, and bundled ones are relative to the real file's folder.
  delete (config as { templates?: unknown }).templates;
  const dir = mkdtempSync(join(tmpdir(), 'obsgen-amtool-'));
  writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
  return { path: join(dir, 'alertmanager.yml'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runBundleTests(bundleDir: string, stack: string, options: { engine?: RuleEngineChoice } = {}): TestSummary {
  const ruleEngine = options.engine ?? 'obsgen';
  const summary: TestSummary = { stack, ruleFiles: 0, ruleCases: 0, ruleFailures: [], routeCases: 0, routeFailures: [], inhibitionCases: 0, missing: [], ruleEngine, routeEngine: hasTool('amtool') ? 'amtool' : 'obsgen' };
  // The same PromQL check as the build and lint: it holds where promtool is missing or older than the Prometheus that loads the rules.
  const rulesDir = join(bundleDir, 'prometheus/rules');
  for (const f of existsSync(rulesDir) ? readdirSync(rulesDir).filter((x) => x.endsWith('.yml')).sort() : []) {
    const doc = parse(readFileSync(join(rulesDir, f), 'utf8')) as { groups?: { rules?: { alert?: string; record?: string; expr?: unknown }[] }[] } | null;
    for (const rule of (doc?.groups ?? []).flatMap((g) => g.rules ?? [])) {
      const expr = String(rule.expr ?? '');
      for (const e of checkRuleExpr(expr).errors) summary.ruleFailures.push(`${f}: ${rule.alert ?? rule.record}: [${problemId(e)}] ${e.message} at position ${e.from} of ${JSON.stringify(expr)}`);
    }
  }
  const testsDir = join(bundleDir, 'prometheus/tests');
  const files = existsSync(testsDir) ? readdirSync(testsDir).filter((f) => f.endsWith('.test.yml')).sort() : [];
  if (files.length && ruleEngine === 'obsgen') {
    const run = testRules(files.map((f) => join(testsDir, f)), { engine: engineFactory });
    for (const r of run.results) {
      summary.ruleFiles++;
      summary.ruleCases += r.groups;
      if (!r.ok) summary.ruleFailures.push(`${r.file.slice(testsDir.length + 1)}:\n${reportText(reportLines(r)).trim()}`);
    }
  } else if (files.length) {
    if (!hasTool('promtool')) summary.missing.push('promtool');
    else {
      for (const f of files) {
        const text = readFileSync(join(testsDir, f), 'utf8');
        const cases = (text.match(/^ {2}- name: /gm) ?? []).length;
        const r = spawnSync('promtool', ['test', 'rules', f], { cwd: testsDir, encoding: 'utf8', timeout: 300_000 });
        summary.ruleFiles++;
        summary.ruleCases += cases;
        if (r.status !== 0) summary.ruleFailures.push(`${f}:\n${`${r.stdout}${r.stderr}`.trim()}`);
      }
    }
  }
  const routesFile = join(bundleDir, 'alertmanager/routes.test.json');
  if (existsSync(routesFile)) {
    // Inhibition: amtool cannot test it, so obsgen's matcher checks the emitted inhibit_rules.
    const { inhibitions = [] } = JSON.parse(readFileSync(routesFile, 'utf8')) as { inhibitions?: InhibitionCase[] };
    const am = parse(readFileSync(join(bundleDir, 'alertmanager/alertmanager.yml'), 'utf8')) as {
      inhibit_rules?: { source_matchers?: string[]; target_matchers?: string[]; equal?: string[] }[];
    };
    const rules = (am.inhibit_rules ?? []).map((r) => ({
      sourceMatchers: (r.source_matchers ?? []).map(parseMatcher),
      targetMatchers: (r.target_matchers ?? []).map(parseMatcher),
      equal: r.equal ?? [],
    }));
    for (const c of inhibitions) {
      summary.inhibitionCases++;
      const rule = rules[c.rule];
      const got = rule ? inhibits(rule, c.source, c.target) : false;
      if (got !== c.inhibited) summary.routeFailures.push(`${c.name}: expected ${c.inhibited ? 'muted' : 'not muted'}, alertmanager.yml inhibit_rules[${c.rule}] ${got ? 'mutes' : 'does not mute'} it`);
    }
    const { cases } = JSON.parse(readFileSync(routesFile, 'utf8')) as { cases: { name: string; labels: Record<string, string>; receivers: string[] }[] };
    if (!hasTool('amtool')) {
      // obsgen's route walk (the one lint uses) over the emitted file: same verdicts as amtool's --verify.receivers.
      const file = join(bundleDir, 'alertmanager/alertmanager.yml');
      const problems: LoadProblem[] = [];
      const am = parseAlertmanager(readFileSync(file, 'utf8'), file, problems);
      if (!am) summary.routeFailures.push(`alertmanager.yml does not load: ${problems.map((p) => p.message).join('; ')}`);
      for (const c of am ? cases : []) {
        summary.routeCases++;
        const got = routeAlert(am!.tree, c.labels);
        if (got.join(',') !== c.receivers.join(',')) summary.routeFailures.push(`${c.name} (${Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(' ')}): expected ${c.receivers.join(',')}, routed to ${got.join(',')}`);
      }
    } else {
      const configFile = amtoolReadableConfig(join(bundleDir, 'alertmanager/alertmanager.yml'));
      for (const c of cases) {
        summary.routeCases++;
        const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`);
        const r = spawnSync(
          'amtool',
          ['config', 'routes', 'test', `--config.file=${configFile.path}`, `--verify.receivers=${c.receivers.join(',')}`, ...labels],
          { encoding: 'utf8', timeout: 60_000 },
        );
        if (r.status !== 0) summary.routeFailures.push(`${c.name} (${labels.join(' ')}): expected ${c.receivers.join(',')}: ${`${r.stdout}${r.stderr}`.trim()}`);
      }
      configFile.remove();
    }
  }
  return summary;
}
