/**
 * obsgen lint: offline checks over a bundle or plain files. `lintInput` runs every
 * in-process check; `lint` adds the amtool route tests.
 */
import { Diagnostics, type Diagnostic } from '../core/diagnostics.ts';
import { checkDashboards } from '../dashboards/check.ts';
import { amtoolRouteTests, alertShapes, checkAlertmanager, checkRouteTests, knownSeverities } from './alertmanager.ts';
import { LintContext } from './context.ts';
import { withExportersFromRules } from './exporters.ts';
import { fromBundle, fromFiles } from './input.ts';
import { liveSeriesFindings } from './live.ts';
import { checkRules } from './rules.ts';
import type { Finding, LintInput, LintOptions, LintSettings } from './types.ts';

export type { Finding, LintInput, LintOptions, LintSettings } from './types.ts';
export { fromBundle, fromFiles };
export { formatText, formatJson, formatSarif, summarize } from './report.ts';

function dashboardFile(input: LintInput, d: Diagnostic): string | undefined {
  const uid = /^dashboard (\S+?):? /.exec(d.message)?.[1];
  const dash = input.dashboards?.dashboards.find((x) => x.uid === uid) ?? input.dashboards?.dashboards.find((x) => x.source === d.path);
  if (!dash) return undefined;
  return dash.source.endsWith('.json') ? dash.source : `grafana/dashboards/${dash.folder}/${dash.uid}.json`;
}

/** Every in-process check. Deterministic order: by file, line, id. */
export function lintInput(given: LintInput): Finding[] {
  const input = withExportersFromRules(given);
  const c = new LintContext(input);
  const sevs = knownSeverities(input);
  checkRules(c, sevs);
  const alerts = alertShapes(c);
  checkAlertmanager(c, alerts);
  checkRouteTests(c);
  const seen = new Set<string>();
  if (input.dashboards) {
    const diag = new Diagnostics(input.stack);
    checkDashboards(input.dashboards, diag);
    for (const d of diag.items) {
      seen.add(`${d.path}\u0000${d.message}`);
      const file = dashboardFile(input, d);
      c.add({
        // Checks shared with lint (promql/syntax, promql/type) keep their id; the rest are dashboard checks.
        id: d.code.includes('/') ? d.code : `dashboards/${d.code}`,
        severity: d.severity,
        message: d.message,
        ...(d.hint ? { hint: d.hint } : {}),
        ...(file ? { file } : {}),
        ...(d.path && !d.path.endsWith('.json') ? { source: d.path } : {}),
      });
    }
  }
  for (const d of input.diagnostics ?? []) {
    if (seen.has(`${d.path}\u0000${d.message}`)) continue;
    // Problems found while loading a file carry `file:line` as their path: `load`, or a check id such as rules/unknown-field.
    const isLoad = d.code === 'load' || d.code.startsWith('rules/');
    c.add({
      id: d.code === 'load' ? 'input/load' : isLoad || d.code.includes('/') ? d.code : `synth/${d.code}`,
      severity: d.severity,
      message: d.value !== undefined && !isLoad ? `${d.message} (got ${JSON.stringify(d.value)?.slice(0, 120)})` : d.message,
      ...(d.hint ? { hint: d.hint } : {}),
      ...(isLoad ? { file: d.path.replace(/:\d+$/, ''), ...(/:(\d+)$/.test(d.path) ? { line: Number(/:(\d+)$/.exec(d.path)![1]) } : {}) } : input.stackFile ? { file: input.stackFile } : {}),
      ...(!isLoad && d.path ? { source: d.path } : {}),
    });
  }
  return sortFindings(applySettings(c.findings, input.settings));
}

/** Severity overrides of a lint config: a check's findings raised, lowered or dropped (`off`). */
export function applySettings(findings: Finding[], settings: LintSettings | undefined): Finding[] {
  const sev = settings?.severity;
  if (!sev) return findings;
  return findings.flatMap((f) => {
    const s = sev[f.id];
    if (s === undefined) return [f];
    return s === 'off' ? [] : [{ ...f, severity: s }];
  });
}

export function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort(
    (a, b) =>
      (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0) ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.id.localeCompare(b.id) ||
      a.message.localeCompare(b.message),
  );
}

/** All checks, with the amtool route tests when `amtool` is true. */
export async function lint(input: LintInput, options: LintOptions = {}): Promise<Finding[]> {
  let findings = lintInput(input);
  if (options.amtool) findings.push(...(await amtoolRouteTests(input)));
  if (options.prometheus) {
    // The server knows which series exist: its answer replaces the catalog's guesses.
    findings = findings.filter((f) => f.id !== 'promql/series');
    findings.push(...applySettings(await liveSeriesFindings(input, { url: options.prometheus }), input.settings));
  }
  return sortFindings(findings);
}
