/** `obsgen lint`: the offline rule, routing and dashboard linter (stacks by default, or plain files). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hasTool } from '../emit/verify.ts';
import { amtoolRouteTests } from '../lint/alertmanager.ts';
import { readLintConfig, withoutBaseline, writeBaseline } from '../lint/baseline.ts';
import { applySettings, formatJson, formatSarif, formatText, fromBundle, fromFiles, lint, lintInput, sortFindings, summarize, type Finding, type LintInput } from '../lint/index.ts';
import { stackFiles, stackNameOfFile } from '../stack/load.ts';
import { flag, flagList, type Args } from './args.ts';

export interface LintRun {
  findings: Finding[];
  inputs: number;
}

/** Synthesizes each stack file and lints its bundle; synth errors become findings. */
export async function lintStackFiles(files: string[], options: { amtool: boolean; outRoot: string }): Promise<LintRun> {
  const all: Finding[] = [];
  const pending: Promise<Finding[]>[] = [];
  // Stack mode only: plain rule files lint without loading synth and every mixin.
  const [{ loadStack }, { trySynth }, { preloadKubernetesModels }] = await Promise.all([import('../stack/load.ts'), import('../stack/synth.ts'), import('../emit/kubernetes/validate.ts')]);
  await preloadKubernetesModels();
  for (const file of files) {
    const stack = await loadStack(file);
    if ('error' in stack) {
      all.push({ id: 'input/load', severity: 'error', stack: stackNameOfFile(file), file, message: stack.error });
      continue;
    }
    const r = trySynth(stack);
    let input: LintInput;
    if (r.bundle) input = { ...fromBundle(r.bundle, r.diagnostics.items), stackFile: file };
    else input = { stack: r.diagnostics.stack, scrapeIntervalMs: 60_000, evaluationIntervalMs: 60_000, groups: [], diagnostics: r.diagnostics.items, stackFile: file };
    // Bundle files are shown where `obsgen build` writes them.
    const place = (f: Finding): Finding => (f.file && f.file !== file && !f.id.startsWith('synth/') && f.id !== 'input/load' ? { ...f, file: join(options.outRoot, input.stack, f.file) } : f);
    all.push(...lintInput(input).map(place));
    // amtool runs for every stack at once; its processes overlap with the next stack's synth.
    if (options.amtool && r.bundle) pending.push(amtoolRouteTests(input).then((list) => list.map(place)));
  }
  for (const list of await Promise.all(pending)) all.push(...list);
  return { findings: sortFindings(all), inputs: files.length };
}

export async function cmdLint(args: Args): Promise<number> {
  const format = flag(args, 'format') ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) {
    console.error(`error: --format must be text, json or sarif (got ${format})`);
    return 1;
  }
  const useAmtool = !args.flags.has('no-amtool') && hasTool('amtool');
  // `--rules a.yml b.yml dir/`: the shell expands a glob into several words after one flag.
  const extra = args.positional.slice(1);
  if (extra.length && !args.flags.has('rules')) {
    console.error(`error: unexpected argument ${extra[0]}; lint rule files with --rules ${extra.join(' ')}`);
    return 1;
  }
  const rules = [...(args.flags.get('rules') ?? []).filter((r) => r !== 'true'), ...extra];
  const lintConfig = flag(args, 'lint-config');
  const cfg = lintConfig ? readLintConfig(lintConfig) : { problems: [] as string[] };
  for (const p of cfg.problems) console.error(`error: ${p}`);
  if (cfg.problems.length) return 1;
  const baseline = flag(args, 'baseline');
  if (baseline && !existsSync(baseline)) {
    console.error(`error: no such baseline file: ${baseline} (write one with --write-baseline ${baseline})`);
    return 1;
  }
  const plain = rules.length > 0 || args.flags.has('config') || args.flags.has('alertmanager') || args.flags.has('dashboards');
  let run: LintRun;
  if (plain) {
    const config = flag(args, 'config');
    const alertmanager = flag(args, 'alertmanager');
    const routeTests = flag(args, 'route-tests');
    const input = fromFiles({
      rules,
      ...(config ? { config } : {}),
      ...(alertmanager ? { alertmanager } : {}),
      ...(routeTests ? { routeTests } : {}),
      dashboards: args.flags.get('dashboards') ?? [],
      ...(flag(args, 'name') ? { name: flag(args, 'name')! } : {}),
    });
    if (cfg.settings) input.settings = cfg.settings;
    const prometheus = flag(args, 'prometheus');
    run = { findings: await lint(input, { amtool: useAmtool, ...(prometheus ? { prometheus } : {}) }), inputs: 1 };
  } else {
    const dir = flag(args, 'stacks') ?? 'stacks';
    const explicit = flagList(args, 'file');
    const names = flagList(args, 'stack');
    const files = [...explicit];
    const errors: string[] = [];
    for (const name of names) {
      const f = stackFiles(dir).find((p) => stackNameOfFile(p) === name);
      if (f) files.push(f);
      else errors.push(`no stack named ${name} in ${dir}/ (have: ${stackFiles(dir).map(stackNameOfFile).join(', ') || 'none'})`);
    }
    for (const f of explicit) if (!existsSync(f)) errors.push(`no such file: ${f}`);
    if (!explicit.length && !names.length) files.push(...stackFiles(dir));
    for (const e of errors) console.error(`error: ${e}`);
    if (errors.length) return 1;
    if (!files.length) {
      console.error('error: no stack files found; add stacks/<name>.ts, pass --file, or lint files with --rules/--config/--alertmanager');
      return 1;
    }
    run = await lintStackFiles(files, { amtool: useAmtool, outRoot: flag(args, 'out') ?? 'out' });
    if (cfg.settings) run.findings = applySettings(run.findings, cfg.settings);
  }
  const writeTo = flag(args, 'write-baseline');
  if (writeTo) writeBaseline(writeTo, run.findings);
  if (baseline) run.findings = withoutBaseline(run.findings, baseline);
  const s = summarize(run.findings);
  if (format === 'json') process.stdout.write(formatJson(run.findings));
  else if (format === 'sarif') process.stdout.write(formatSarif(run.findings));
  else {
    process.stdout.write(formatText(run.findings, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
    if (!useAmtool && !args.flags.has('no-amtool')) console.error('note: amtool is not on PATH, so route tests ran through obsgen\'s matcher only (scripts/install-tools.sh installs it)');
  }
  return s.errors > 0 || (args.flags.has('strict') && s.warnings > 0) ? 1 : 0;
}
