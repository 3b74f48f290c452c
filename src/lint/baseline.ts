/**
 * Baselines: adopt lint in a repository with existing findings by recording them once
 * (`--write-baseline FILE`) and then reporting only new ones (`--baseline FILE`). A finding
 * is matched by check id, file, group, rule and message, not by line, so edits elsewhere in
 * the file do not bring it back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Finding, LintSettings, LintSeverity } from './types.ts';

function key(f: Finding): string {
  return [f.id, f.file ?? '', f.group ?? '', f.rule ?? '', f.message].join('\u0000');
}

export function writeBaseline(file: string, findings: Finding[]): void {
  const entries = findings.map((f) => ({ id: f.id, file: f.file ?? '', group: f.group ?? '', rule: f.rule ?? '', message: f.message }));
  writeFileSync(file, `${JSON.stringify({ version: 1, findings: entries }, null, 1)}\n`);
}

/** Findings not in the baseline (each baseline entry absorbs one finding, so a second copy is new). */
export function withoutBaseline(findings: Finding[], file: string): Finding[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { findings?: { id: string; file: string; group: string; rule: string; message: string }[] };
  const left = new Map<string, number>();
  for (const e of data.findings ?? []) {
    const k = [e.id, e.file, e.group, e.rule, e.message].join('\u0000');
    left.set(k, (left.get(k) ?? 0) + 1);
  }
  return findings.filter((f) => {
    const n = left.get(key(f)) ?? 0;
    if (n > 0) {
      left.set(key(f), n - 1);
      return false;
    }
    return true;
  });
}

const LEVELS = new Set(['error', 'warning', 'info', 'off']);

/**
 * A lint config file (YAML or JSON):
 *   severity: { alerts/for: warning, promql/ratio-guard: off }
 *   missingSeverity: info
 * Returns the settings or the problems found, each naming the key and the allowed values.
 */
export function readLintConfig(file: string): { settings?: LintSettings; problems: string[] } {
  const problems: string[] = [];
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    return { problems: [`${file}: ${(e as Error).message.split('\n')[0]}`] };
  }
  const settings: LintSettings = {};
  const obj = (data ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (k !== 'severity' && k !== 'missingSeverity') problems.push(`${file}: unknown key ${k} (known: severity, missingSeverity)`);
  if (obj.severity !== undefined) {
    if (typeof obj.severity !== 'object' || obj.severity === null) problems.push(`${file}: severity must map check ids to error, warning, info or off`);
    else {
      settings.severity = {};
      for (const [id, v] of Object.entries(obj.severity as Record<string, unknown>)) {
        if (typeof v !== 'string' || !LEVELS.has(v)) problems.push(`${file}: severity.${id}: ${JSON.stringify(v)} is not error, warning, info or off`);
        else settings.severity[id] = v as LintSeverity | 'off';
      }
    }
  }
  if (obj.missingSeverity !== undefined) {
    if (typeof obj.missingSeverity !== 'string' || !LEVELS.has(obj.missingSeverity)) problems.push(`${file}: missingSeverity: ${JSON.stringify(obj.missingSeverity)} is not error, warning, info or off`);
    else settings.missingSeverity = obj.missingSeverity as LintSeverity | 'off';
  }
  return problems.length ? { problems } : { settings, problems };
}
