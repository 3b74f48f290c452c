/** obsgen build and obsgen test: stack files in, bundles out, and the bundles' own tests. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatDiagnostic } from '../core/diagnostics.ts';
import { isTempName } from '../emit/write.ts';
import { buildStack } from '../stack/build.ts';
import { preloadKubernetesModels } from '../emit/kubernetes/validate.ts';
import { stackFiles, stackNameOfFile, loadStack } from '../stack/load.ts';
import { flag, flagList, type Args } from './args.ts';
import { watchLauncher } from './launcher.ts';
import { runBundleTests } from './runtests.ts';

interface Selected {
  files: string[];
  errors: string[];
}

function selectStackFiles(args: Args): Selected {
  const dir = flag(args, 'stacks') ?? 'stacks';
  const explicit = flagList(args, 'file');
  const names = flagList(args, 'stack');
  const errors: string[] = [];
  const files = [...explicit];
  for (const name of names) {
    const f = stackFiles(dir).find((p) => stackNameOfFile(p) === name);
    if (f) files.push(f);
    else errors.push(`no stack named ${name} in ${dir}/ (have: ${stackFiles(dir).map(stackNameOfFile).join(', ') || 'none'})`);
  }
  if (!explicit.length && !names.length) files.push(...stackFiles(dir));
  for (const f of explicit) if (!existsSync(f)) errors.push(`no such file: ${f}`);
  return { files, errors };
}

export async function cmdBuild(args: Args): Promise<number> {
  const out = resolve(flag(args, 'out') ?? 'out');
  const { files, errors } = selectStackFiles(args);
  for (const e of errors) console.error(`error: ${e}`);
  if (errors.length) return 1;
  if (!files.length) {
    console.error('error: no stack files found; add stacks/<name>.ts or pass --file');
    return 1;
  }
  if (args.flags.has('typecheck')) {
    const { typecheckProject } = await import('./typecheck.ts');
    const t = typecheckProject();
    if (!t.ok) {
      console.error(`${t.output}\nerror: the stack files do not type-check (obsgen build --typecheck); nothing built`);
      return 1;
    }
  }
  let failed = 0;
  const launcher = watchLauncher();
  for (const file of files) {
    const gone = launcher.stopReason();
    if (gone) {
      console.error(`obsgen: stopping: ${gone}; bundles not yet built are left as they were`);
      return 1;
    }
    const stack = await loadStack(file);
    if ('error' in stack) {
      console.error(`error: ${stack.error}`);
      failed++;
      continue;
    }
    await preloadKubernetesModels();
    const t0 = performance.now();
    const r = buildStack(stack, out, { verify: !args.flags.has('no-verify'), stopReason: () => launcher.stopReason() });
    if (r.stopped) {
      console.error(`obsgen: stopping: ${r.stopped}; ${join(out, r.stack)} left as it was`);
      return 1;
    }
    const ms = Math.round(performance.now() - t0);
    for (const d of r.diagnostics) console.error(formatDiagnostic(d));
    if (r.verify) {
      for (const run of r.verify.ran) {
        if (!run.ok) console.error(`error: ${r.stack}: ${run.tool} failed:\n${run.output}`);
      }
      const ran = r.verify.ran.map((x) => `${x.tool} ${x.ok ? 'ok' : 'FAILED'}`).join(', ');
      console.log(`${r.stack}: verified: ${ran || 'nothing'}${r.verify.missing.length ? `; missing: ${r.verify.missing.join(', ')}` : ''}`);
      for (const run of r.verify.ran) if (run.note) console.log(`${r.stack}: note: ${run.note}`);
    } else if (args.flags.has('no-verify')) console.log(`${r.stack}: verification skipped (--no-verify)`);
    if (r.ok) {
      const c = r.counts!;
      console.log(
        `${r.stack}: wrote ${r.outDir} in ${ms} ms: ${c.scrapeJobs} scrape jobs, ${c.ruleGroups} rule groups, ${c.recordingRules} recording rules, ${c.alerts} alerts, ${c.ruleTests} rule tests, ${c.dashboards} dashboards${c.kubernetesObjects !== undefined ? `, ${c.kubernetesObjects} Kubernetes objects` : ''}`,
      );
    } else {
      const n = r.diagnostics.filter((d) => d.severity === 'error').length;
      console.error(`${r.stack}: build failed${n ? ` with ${n} error(s)` : ''}; nothing written`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}

export async function cmdTest(args: Args): Promise<number> {
  const out = resolve(flag(args, 'out') ?? 'out');
  const engine = flag(args, 'engine') ?? 'obsgen';
  if (engine !== 'obsgen' && engine !== 'promtool') {
    console.error(`error: --engine ${engine}: use --engine obsgen (the in-process PromQL engine, default) or --engine promtool (the promtool binary)`);
    return 1;
  }
  let names = flagList(args, 'stack');
  if (!names.length && flag(args, 'out') !== undefined && !flagList(args, 'file').length) {
    // `build --file x.ts --out DIR` then `test --out DIR`: test what DIR holds.
    names = existsSync(out) ? readdirSync(out).filter((n) => !isTempName(n) && existsSync(join(out, n, 'manifest.json'))).sort() : [];
    if (!names.length) {
      console.error(`error: no bundle in ${out}; run obsgen build --out ${flag(args, 'out')} first`);
      return 1;
    }
  }
  if (!names.length) {
    const { files } = selectStackFiles(args);
    names = files.map(stackNameOfFile);
  }
  let failures = 0;
  let passed = 0;
  for (const name of names) {
    const dir = join(out, name);
    if (!existsSync(join(dir, 'manifest.json'))) {
      console.error(`error: ${name}: no bundle in ${dir}; run obsgen build --stack ${name} first`);
      failures++;
      continue;
    }
    const s = runBundleTests(dir, name, { engine });
    for (const m of s.missing) console.error(`error: ${name}: ${m} is not on PATH; run scripts/install-tools.sh`);
    for (const f of [...s.ruleFailures, ...s.routeFailures]) console.error(`FAIL ${name}: ${f}`);
    const bad = s.ruleFailures.length + s.routeFailures.length + s.missing.length;
    console.log(
      `${name}: ${s.ruleCases} rule tests in ${s.ruleFiles} files ${s.ruleFailures.length ? `FAILED (${s.ruleFailures.length} files)` : 'passed'} (${s.ruleEngine === 'obsgen' ? "obsgen's engine" : 'promtool'}); ${s.routeCases} route tests and ${s.inhibitionCases} inhibition tests ${s.routeFailures.length ? `FAILED (${s.routeFailures.length})` : 'passed'}${s.routeEngine === 'obsgen' ? " (obsgen's route walk: amtool not on PATH)" : ''}`,
    );
    failures += bad;
    if (!bad) passed++;
  }
  return failures ? 1 : 0;
}

