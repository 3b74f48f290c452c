/** Lint reporters: text grouped by file (colored on a TTY), JSON, and SARIF 2.1.0. */
import type { Finding } from './types.ts';

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  files: number;
}

export function summarize(findings: Finding[]): Summary {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
    files: new Set(findings.map((f) => `${f.stack}\u0000${f.file ?? ''}`)).size,
  };
}

function fileLabel(f: Finding): string {
  return f.file ? `${f.stack}: ${f.file}` : `${f.stack}`;
}

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.group) parts.push(`group ${f.group}`);
  if (f.rule) parts.push(`rule ${f.rule}`);
  if (f.exprPos) parts.push(`expr ${f.exprPos.line}:${f.exprPos.column}`);
  if (f.source) parts.push(`at ${f.source}`);
  return parts.join(', ');
}

export function formatText(findings: Finding[], options: { color?: boolean } = {}): string {
  const c = options.color
    ? { red: (s: string) => `\x1b[31m${s}\x1b[0m`, yellow: (s: string) => `\x1b[33m${s}\x1b[0m`, bold: (s: string) => `\x1b[1m${s}\x1b[0m`, dim: (s: string) => `\x1b[2m${s}\x1b[0m` }
    : { red: (s: string) => s, yellow: (s: string) => s, bold: (s: string) => s, dim: (s: string) => s };
  const out: string[] = [];
  let current: string | undefined;
  for (const f of findings) {
    const label = fileLabel(f);
    if (label !== current) {
      if (current !== undefined) out.push('');
      out.push(c.bold(label));
      current = label;
    }
    const pos = f.line ? `${f.line}:${f.column ?? 1}` : '-';
    const sev = f.severity === 'error' ? c.red('error  ') : f.severity === 'warning' ? c.yellow('warning') : c.dim('info   ');
    const w = where(f);
    out.push(`  ${pos.padEnd(7)} ${sev} ${f.message} ${c.dim(`[${f.id}]`)}`);
    if (w) out.push(`          ${c.dim(w)}`);
    if (f.hint) out.push(`          ${c.dim(`hint: ${f.hint}`)}`);
  }
  const s = summarize(findings);
  if (out.length) out.push('');
  out.push(`${s.errors} error(s), ${s.warnings} warning(s)${s.infos ? `, ${s.infos} info` : ''}`);
  return `${out.join('\n')}\n`;
}

export function formatJson(findings: Finding[]): string {
  return `${JSON.stringify({ summary: summarize(findings), findings }, null, 2)}\n`;
}

/** Short descriptions of every check id, for SARIF's rule list and the docs. */
export const CHECKS: Record<string, string> = {
  'promql/syntax': 'PromQL does not parse (or calls a function Prometheus does not have)',
  'promql/type': "PromQL that Prometheus's parser refuses: value types, argument counts, modifiers, selectors",
  'promql/rate-on-gauge': 'rate/irate/increase over a gauge',
  'promql/gauge-fn-on-counter': 'deriv/predict_linear/delta/idelta over a counter',
  'promql/counter-threshold': 'a raw counter compared with a threshold',
  'promql/series': 'a metric no scraped job exposes and no recording rule records',
  'promql/histogram-le': 'histogram_quantile over an aggregation that drops le',
  'promql/ratio-guard': 'a ratio over a rate without a zero-traffic guard',
  'promql/range-window': 'a range window shorter than 4 sample intervals',
  'alerts/for': 'alert without for: (burn-rate pairs exempt) or a bad for:',
  'alerts/absent-for': 'absent() alert with for: under 2 scrape intervals',
  'alerts/template-syntax': 'Go-template syntax error',
  'alerts/template-function': 'template calls an unknown function',
  'alerts/template-variable': 'template uses an undefined variable',
  'alerts/template-label': '$labels.x the expression result cannot carry',
  'alerts/template-value-label': '$value in a label',
  'labels/severity': 'missing severity or one the routing does not know',
  'labels/unrouted': 'alert no route matches (default receiver)',
  'alertmanager/unused-receiver': 'receiver no route uses',
  'alertmanager/unreachable-route': 'route behind an earlier catch-all',
  'alertmanager/inhibit-equal': 'inhibit equal label missing on source or target alerts',
  'alertmanager/inhibit-dead': 'inhibit rule that can never match',
  'alertmanager/time-interval': 'time interval value Alertmanager refuses or that never matches (times, weekdays, days, months, years, location)',
  'alertmanager/matcher': 'matcher Alertmanager cannot parse, or a regex RE2 refuses',
  'alertmanager/label-name': 'invalid label name in group_by, match or equal',
  'alertmanager/group-by': 'group_by with duplicates or `...` mixed with labels',
  'alertmanager/duration': 'group_wait/group_interval/repeat_interval/resolve_timeout not a duration, or zero where Alertmanager refuses it',
  'alertmanager/url': 'receiver URL that is not http(s) with a host',
  'alertmanager/secret-in-url': 'credential inside a URL (userinfo or a secret-looking query parameter)',
  'alertmanager/secret-in-config': 'credential written inline instead of a *_file',
  'alertmanager/receiver-config': 'receiver integration missing a required field or with conflicting fields',
  'alertmanager/unknown-receiver': 'route to a receiver that is not defined',
  'alertmanager/unknown-time-interval': 'route naming a time interval that is not defined',
  'alertmanager/route': 'root route rules (receiver, no matchers, no intervals, no continue)',
  'alertmanager/config': 'alertmanager.yml is not a mapping',
  'routes/test': 'routes.test.json case fails with obsgen\'s route walk',
  'routes/amtool': 'routes.test.json case fails with amtool config routes test',
  'rules/duplicate': 'the same rule twice',
  'rules/unknown-field': 'a key the rule format does not have (Prometheus refuses the file)',
  'rules/record-name': 'recording rule not named level:metric:operations',
  'rules/group-order': 'rule reads a series recorded later (same group, or a later group as fast)',
  'input/load': 'a file cannot be read or parsed',
};

function sarifLevel(s: Finding['severity']): string {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

export function formatSarif(findings: Finding[], options: { version?: string; root?: string } = {}): string {
  const ids = [...new Set(findings.map((f) => f.id))].sort();
  const rules = ids.map((id) => ({
    id,
    shortDescription: { text: CHECKS[id] ?? (id.startsWith('dashboards/') ? `dashboard check ${id.slice(11)}` : id.startsWith('synth/') ? `stack definition check ${id.slice(6)}` : id) },
    defaultConfiguration: { level: sarifLevel(findings.find((f) => f.id === id)!.severity) },
  }));
  const results = findings.map((f) => {
    const text = [f.message, where(f) ? `(${where(f)})` : '', f.hint ? `Hint: ${f.hint}` : ''].filter(Boolean).join(' ');
    const r: Record<string, unknown> = {
      ruleId: f.id,
      ruleIndex: ids.indexOf(f.id),
      level: sarifLevel(f.severity),
      message: { text },
    };
    if (f.file) {
      const uri = options.root && !f.file.startsWith('/') ? `${options.root.replace(/\/+$/, '')}/${f.file}` : f.file;
      r.locations = [
        {
          physicalLocation: {
            artifactLocation: { uri },
            ...(f.line ? { region: { startLine: f.line, ...(f.column ? { startColumn: f.column } : {}) } } : {}),
          },
          ...(f.group || f.rule ? { logicalLocations: [{ name: f.rule ?? f.group, fullyQualifiedName: [f.stack, f.group, f.rule].filter(Boolean).join('/') }] } : {}),
        },
      ];
    }
    return r;
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'obsgen', informationUri: 'https://github.com/obsgen/obsgen', version: options.version ?? '0.1.0', rules } },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
