/**
 * Verification with the real tools on an emitted bundle: promtool check config and
 * check rules, amtool check-config, docker-compose config -q. A tool that is not on
 * PATH is reported as missing, never as passed; without promtool or amtool, obsgen's own
 * checks run in their place (the rule check of src/ruletest, the Alertmanager validation of
 * src/alertmanager), so a machine without the Debian tools still gets those checks.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { templateFileProblem } from '../alertmanager/templatefile.ts';
import { validateAlertmanagerConfig } from '../alertmanager/validate.ts';
import { checkRuleFile, type RuleFileCheck } from '../ruletest/checkrules.ts';
import { parse } from 'yaml';
import { toYaml } from './yaml.ts';
import { prometheusConfigFiles, PROMETHEUS3_GROUP_FIELDS } from './prometheus.ts';
import { standInNewerReceivers, standInUrlFiles } from './amtoolcompat.ts';
import { objectsOfKind, verifyKubernetesAlertmanager, verifyKubernetesRules } from './kubernetes/verify.ts';

export interface ToolRun {
  tool: string;
  ok: boolean;
  output: string;
  note?: string;
}

export interface VerifyResult {
  ok: boolean;
  ran: ToolRun[];
  missing: string[];
}

const which = new Map<string, boolean>();
/**
 * Whether a tool is on PATH. OBSGEN_NO_TOOLS=promtool,amtool hides tools, so a machine that has
 * them can run what a machine without them runs (CI's no-tools step; obsgen's engine instead of promtool).
 */
export function hasTool(name: string): boolean {
  if (hiddenTools().has(name)) return false;
  if (!which.has(name)) which.set(name, spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0);
  return which.get(name)!;
}

export function hiddenTools(): Set<string> {
  return new Set((process.env.OBSGEN_NO_TOOLS ?? '').split(',').map((t) => t.trim()).filter(Boolean));
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/**
 * Debian's Prometheus is built without Kubernetes discovery: promtool checks a copy without
 * those jobs. promtool also wants every credentials file to exist: the copy points the
 * compose secrets (/run/secrets/<name>) at empty stand-ins, removed after the check.
 */
function promtoolConfigPath(dir: string, file = 'prometheus.yml', unreadableRules: string[] = []): { path: string; skipped: string[]; standIns: string[] } {
  const path = join(dir, 'prometheus', file);
  const config = parse(readFileSync(path, 'utf8')) as { scrape_configs?: Record<string, unknown>[]; rule_files?: string[] };
  // Rule files with fields this promtool predates are checked in process (inProcessRuleCheck): the copy lists the others.
  const ruleDir = join(dir, 'prometheus/rules');
  const narrowed = unreadableRules.length > 0 && (config.rule_files ?? []).length > 0;
  if (narrowed) config.rule_files = readdirSync(ruleDir).filter((f) => f.endsWith('.rules.yml') && !unreadableRules.includes(f)).sort().map((f) => `rules/${f}`);
  const k8s = (config.scrape_configs ?? []).filter((j) => 'kubernetes_sd_configs' in j).map((j) => String(j.job_name));
  config.scrape_configs = (config.scrape_configs ?? []).filter((j) => !('kubernetes_sd_configs' in j));
  const standInDir = join(dir, 'prometheus/.promtool-secrets');
  const standIns: string[] = [];
  const secrets = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(secrets);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'string' && k.endsWith('_file') && v.startsWith('/run/secrets/')) {
          mkdirSync(standInDir, { recursive: true });
          const f = join(standInDir, v.slice('/run/secrets/'.length).replace(/\//g, '_'));
          if (!existsSync(f)) (writeFileSync(f, ''), standIns.push(f));
          o[k] = f;
        } else secrets(v);
      }
    }
  };
  secrets(config.scrape_configs);
  secrets((config as { remote_write?: unknown }).remote_write);
  if (k8s.length === 0 && standIns.length === 0 && !narrowed) return { path, skipped: [], standIns };
  const copy = join(dir, `prometheus/.promtool-check-${file}`);
  writeFileSync(copy, toYaml(config));
  return { path: copy, skipped: k8s, standIns: standIns.length ? [standInDir] : [] };
}

/**
 * Debian's amtool is 0.25, which predates webhook `url_file` (0.26): it checks a copy whose
 * url_file fields are swapped for a stand-in url; obsgen's own validation checked url_file.
 */
function amtoolConfigPath(dir: string): { path: string; swapped: string[]; newer: string[] } {
  const path = join(dir, 'alertmanager/alertmanager.yml');
  const config = parse(readFileSync(path, 'utf8')) as Parameters<typeof standInUrlFiles>[0] & Parameters<typeof standInNewerReceivers>[0];
  const swapped = standInUrlFiles(config);
  const newer = standInNewerReceivers(config);
  if (swapped.length === 0 && newer.length === 0) return { path, swapped, newer };
  const copy = join(dir, 'alertmanager/.amtool-check.yml');
  writeFileSync(copy, toYaml(config));
  return { path: copy, swapped, newer };
}

/** `promtool check rules --lint=duplicate-rules` in process (src/ruletest/checkrules.ts), with promtool's output format. */
function inProcessRuleCheck(rulesDir: string, files: string[]): ToolRun {
  const checks = files.map((f) => ({ ...checkRuleFile(join(rulesDir, f)), file: f }));
  return { tool: 'obsgen check rules', ok: checks.every((c) => !c.errors.length), output: ruleChecksOutput(checks) };
}

/** The Prometheus 3 group fields a rule file uses, which promtool 2.x before 2.53 refuses to load. */
function prometheus3GroupFields(file: string): (typeof PROMETHEUS3_GROUP_FIELDS)[number][] {
  const doc = parse(readFileSync(file, 'utf8')) as { groups?: Record<string, unknown>[] } | null;
  return PROMETHEUS3_GROUP_FIELDS.filter((k) => (doc?.groups ?? []).some((g) => g && typeof g === 'object' && k in g));
}

let promtoolVersionSeen: string | undefined | null = null;
function promtoolVersion(): string | undefined {
  if (promtoolVersionSeen === null) promtoolVersionSeen = /version (\d+\.\d+\.\d+)/.exec(run('promtool', ['--version'], '.').output)?.[1];
  return promtoolVersionSeen;
}

/** Whether the promtool on PATH loads a group field: query_offset since 2.53, group labels since 3.0. */
function promtoolReads(field: (typeof PROMETHEUS3_GROUP_FIELDS)[number]): boolean {
  const [major = 0, minor = 0] = (promtoolVersion() ?? '0.0').split('.').map(Number);
  return field === 'labels' ? major >= 3 : major > 2 || (major === 2 && minor >= 53);
}

/** Rule files checked in process as `promtool check rules --lint=duplicate-rules` does, each written to a temp folder first. */
function checkRuleTexts(files: { name: string; text: string }[]): RuleFileCheck[] {
  const tmp = mkdtempSync(join(tmpdir(), 'obsgen-verify-'));
  try {
    return files.map((f) => {
      writeFileSync(join(tmp, f.name), f.text);
      return { ...checkRuleFile(join(tmp, f.name)), file: f.name };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function ruleChecksOutput(checks: RuleFileCheck[]): string {
  return checks.map((c) => (c.errors.length ? `Checking ${c.file}\n  FAILED:\n${c.errors.join('\n')}` : `Checking ${c.file}\n  SUCCESS: ${c.rules} rules found`)).join('\n\n');
}

/** Without promtool: every PrometheusRule's groups through obsgen's rule check (what promtool check rules does on them). */
function checkKubernetesRulesInProcess(dir: string): ToolRun[] {
  const rules = objectsOfKind(dir, 'PrometheusRule');
  if (!rules.length) return [];
  const checks = checkRuleTexts(rules.map((r) => ({ name: r.file.replace(/\.yaml$/, '.rules.yml'), text: toYaml((r.object as { spec: unknown }).spec) })));
  return [{ tool: 'obsgen check rules (PrometheusRule spec)', ok: checks.every((c) => !c.errors.length), output: ruleChecksOutput(checks), note: "promtool is not on PATH: obsgen's engine checked the PrometheusRule groups" }];
}

function amIssues(text: string): string[] {
  const config = parse(text) as unknown;
  return validateAlertmanagerConfig(config).map((i) => `${i.path.join('.')}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`);
}

/** The bundle's Alertmanager template files that do not parse (amtool check-config loads them). */
function bundledTemplateIssues(templatesDir: string): string[] {
  if (!existsSync(templatesDir)) return [];
  return readdirSync(templatesDir)
    .sort()
    .flatMap((f) => {
      const problem = templateFileProblem(readFileSync(join(templatesDir, f), 'utf8'));
      return problem ? [`templates/${f}: ${problem}`] : [];
    });
}

/**
 * Without amtool: alertmanager.yml (and the 'secret' mode's alertmanager.yaml) through obsgen's
 * Alertmanager validation (src/alertmanager/validate.ts), the check the build and lint share.
 */
function checkAlertmanagerInProcess(dir: string): ToolRun[] {
  const note = "amtool is not on PATH: obsgen's Alertmanager validation checked the file";
  const out: ToolRun[] = [];
  const file = join(dir, 'alertmanager/alertmanager.yml');
  if (existsSync(file)) {
    const issues = [...amIssues(readFileSync(file, 'utf8')), ...bundledTemplateIssues(join(dir, 'alertmanager/templates'))];
    out.push({ tool: 'obsgen check alertmanager config', ok: issues.length === 0, output: issues.length ? issues.join('\n') : 'SUCCESS', note });
  }
  for (const s of objectsOfKind(dir, 'Secret')) {
    const text = (s.object.stringData as Record<string, unknown> | undefined)?.['alertmanager.yaml'];
    if (typeof text !== 'string') continue;
    const issues = amIssues(text);
    out.push({ tool: `obsgen check alertmanager config (${s.file})`, ok: issues.length === 0, output: issues.length ? issues.join('\n') : 'SUCCESS', note });
  }
  return out;
}

export function verifyBundle(bundleDir: string, options: { compose?: boolean } = {}): VerifyResult {
  const dir = resolve(bundleDir);
  const ran: ToolRun[] = [];
  const missing: string[] = [];
  // A bundle without the compose target has no prometheus.yml, grafana provisioning or compose file.
  const compose = existsSync(join(dir, 'docker-compose.yml'));
  if (hasTool('promtool')) {
    // One config per Prometheus server in an HA layout (docs/ha.md).
    const configs = prometheusConfigFiles(dir);
    const rulesDir = join(dir, 'prometheus/rules');
    const ruleFiles = existsSync(rulesDir) ? readdirSync(rulesDir).filter((f) => f.endsWith('.yml')).sort() : [];
    // promtool lints duplicates per file, so the files it cannot read are checked apart without loss.
    const newer = ruleFiles.filter((f) => prometheus3GroupFields(join(rulesDir, f)).some((k) => !promtoolReads(k)));
    const older = ruleFiles.filter((f) => !newer.includes(f));
    for (const file of configs) {
      const { path, skipped, standIns } = promtoolConfigPath(dir, file, newer);
      const r = run('promtool', ['check', 'config', '--lint=none', path], join(dir, 'prometheus'));
      ran.push({
        tool: configs.length > 1 ? `promtool check config ${file}` : 'promtool check config',
        ...r,
        ...(skipped.length ? { note: `jobs ${skipped.join(', ')} use kubernetes_sd_configs, which Debian's promtool lacks: obsgen's own schema checked them` } : {}),
      });
      if (path.includes('.promtool-check-')) {
        // The copy must not land in the bundle.
        spawnSync('rm', ['-rf', path, ...standIns]);
      }
    }
    if (older.length) {
      ran.push({ tool: 'promtool check rules', ...run('promtool', ['check', 'rules', '--lint=duplicate-rules', '--lint-fatal', ...older], rulesDir) });
    }
    if (newer.length) {
      const fields = [...new Set(newer.flatMap((f) => prometheus3GroupFields(join(rulesDir, f))))].sort();
      ran.push({
        ...inProcessRuleCheck(rulesDir, newer),
        note: `${newer.join(', ')} use group ${fields.join(' and ')} (Prometheus 2.53+/3.0+), which promtool ${promtoolVersion() ?? '(unknown version)'} on PATH refuses: obsgen's engine checked them as promtool check rules --lint=duplicate-rules does`,
      });
    }
    ran.push(...verifyKubernetesRules(dir, run));
  } else {
    missing.push('promtool');
    // What promtool check rules checks, in process: the rules still get every check.
    const rulesDir = join(dir, 'prometheus/rules');
    const ruleFiles = existsSync(rulesDir) ? readdirSync(rulesDir).filter((f) => f.endsWith('.yml')).sort() : [];
    if (ruleFiles.length) {
      ran.push({ ...inProcessRuleCheck(rulesDir, ruleFiles), note: "promtool is not on PATH: obsgen's engine checked the rule files as promtool check rules --lint=duplicate-rules does" });
    }
    ran.push(...checkKubernetesRulesInProcess(dir));
  }
  // The same rule files on vmalert, where the bundle evaluates its rules there (sharded stacks).
  // Other bundles' rules are Prometheus's: a field vmalert lacks (keep_firing_for in Debian's
  // vmalert) must not fail them.
  const ruleDir = join(dir, 'prometheus/rules');
  const vmalertRules = existsSync(ruleDir) ? readdirSync(ruleDir).filter((f) => f.endsWith('.rules.yml')).sort() : [];
  const usesVmalert = compose && readFileSync(join(dir, 'docker-compose.yml'), 'utf8').includes('victoriametrics/vmalert');
  if (vmalertRules.length && usesVmalert) {
    if (hasTool('vmalert')) {
      const r = run('vmalert', ['-dryRun', '-loggerLevel=ERROR', ...vmalertRules.map((f) => `-rule=${f}`)], ruleDir);
      ran.push({ tool: 'vmalert -dryRun', ok: r.ok, output: r.output });
    } else missing.push('vmalert');
  }
  if (hasTool('amtool')) {
    ran.push(...verifyKubernetesAlertmanager(dir, run));
    const { path, swapped, newer } = amtoolConfigPath(dir);
    const notes = [
      ...(swapped.length ? [`receivers ${swapped.join(', ')} use webhook url_file (Alertmanager 0.26+), which Debian's amtool 0.25 lacks: it checked a copy with a stand-in url, obsgen's own validation checked url_file`] : []),
      ...(newer.length ? [`receivers ${newer.join(', ')} use integrations or fields newer than Debian's amtool 0.25: it checked a copy without them (stand-in values for the newer *_file fields), obsgen's own validation checked them`] : []),
    ];
    ran.push({ tool: 'amtool check-config', ...run('amtool', ['check-config', path], dir), ...(notes.length ? { note: notes.join('; ') } : {}) });
    // The copy must not land in the bundle.
    if (swapped.length || newer.length) spawnSync('rm', ['-f', path]);
  } else {
    missing.push('amtool');
    ran.push(...checkAlertmanagerInProcess(dir));
  }
  // blackbox.yml of the blackbox_exporter the compose file runs (src/scrape/provide.ts).
  const blackboxConfigs = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'blackbox.yml')))
    .map((d) => `${d.name}/blackbox.yml`)
    .sort();
  if (blackboxConfigs.length) {
    if (hasTool('prometheus-blackbox-exporter')) {
      for (const f of blackboxConfigs) ran.push({ tool: `blackbox_exporter --config.check ${f}`, ...run('prometheus-blackbox-exporter', [`--config.file=${f}`, '--config.check'], dir) });
    } else missing.push('prometheus-blackbox-exporter');
  }
  if (options.compose !== false && compose) {
    if (hasTool('docker-compose')) {
      // compose resolves secret files at config time: give it empty stand-ins, removed after.
      const secretsDir = join(dir, 'secrets');
      mkdirSync(secretsDir, { recursive: true });
      const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')) as { secrets?: Record<string, { file: string }> };
      const created: string[] = [];
      for (const s of Object.values(compose.secrets ?? {})) {
        const f = join(dir, s.file);
        if (!existsSync(f)) {
          writeFileSync(f, '');
          created.push(f);
        }
      }
      ran.push({ tool: 'docker-compose config', ...run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], dir) });
      if (created.length) spawnSync('rm', ['-f', ...created]);
    } else missing.push('docker-compose');
  }
  return { ok: ran.every((r) => r.ok), ran, missing };
}
