/**
 * The linter's input and output. Both a synthesized Bundle and plain files (rule files,
 * prometheus.yml, alertmanager.yml, dashboards) are turned into one LintInput, so every
 * check runs the same way on generated and hand-written configuration.
 */
import type { InhibitionCase } from '../alertmanager/inhibit.ts';
import type { ResolvedRoute } from '../alertmanager/build.ts';
import type { Diagnostic } from '../core/diagnostics.ts';
import type { Matcher } from '../core/model.ts';
import type { Bundle } from '../stack/bundle.ts';

/** `info` findings are hints: shown, never failing a run, even with --strict. */
export type LintSeverity = 'error' | 'warning' | 'info';

/** One problem: a check id, where it is, what is wrong and how to fix it. */
export interface Finding {
  id: string;
  severity: LintSeverity;
  message: string;
  hint?: string;
  /** Stack the input belongs to (for plain files: the name given or `files`). */
  stack: string;
  /** File the problem is in (as written to disk, relative to the bundle root for stacks). */
  file?: string;
  /** 1-based line and column in that file, when known. */
  line?: number;
  column?: number;
  group?: string;
  rule?: string;
  /** Position inside the rule's expression: 1-based line and column, and the character offset. */
  exprPos?: { line: number; column: number; offset: number };
  /** Path into the stack props that produced the object (stacks only). */
  source?: string;
}

export interface LintRule {
  kind: 'alert' | 'record';
  name: string;
  expr: string;
  for?: string;
  keepFiringFor?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  file: string;
  group: string;
  /** Index of the rule in its group. */
  index: number;
  /** File line of the rule's first key. */
  line?: number;
  /** File line and column where the expression text starts. */
  exprLine?: number;
  exprColumn?: number;
  /** The expression is a block scalar (`|`, `>`): its text starts on the line after `expr:`. */
  exprBlock?: boolean;
  source?: string;
  /** Check ids a `# obsgen-lint disable <id>...` comment on or just above the rule turns off (`*`: every check). */
  disabled?: Set<string>;
  /** Keys Prometheus's rule format does not have (it refuses the file), with their lines. */
  unknownFields?: UnknownField[];
}

export interface UnknownField {
  key: string;
  line?: number;
}

export interface LintGroup {
  name: string;
  interval?: string;
  file: string;
  line?: number;
  rules: LintRule[];
  source?: string;
  /** Keys Prometheus's rule format does not have (it refuses the file), with their lines. */
  unknownFields?: UnknownField[];
}

export interface LintJob {
  name: string;
  scrapeIntervalMs: number;
  /** Catalog key of the exporter behind the job, given or inferred from ports and names. */
  exporter?: string;
  /** How the exporter was told, for findings that rest on it ("by port and path"). */
  exporterFrom?: string;
  /** Labels every target of the job carries (static config labels, relabel target labels). */
  targetLabels: string[];
  /** The job may attach labels obsgen cannot predict (labelmap, honor_labels, service discovery). */
  openLabels: boolean;
  file?: string;
  line?: number;
  source?: string;
}

export interface LintInhibitRule {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
  file: string;
  line?: number;
  source?: string;
  /** Index in inhibit_rules. */
  index: number;
}

export interface LintReceiver {
  name: string;
  line?: number;
  source?: string;
}

export interface LintAlertmanager {
  file: string;
  tree: ResolvedRoute;
  receivers: LintReceiver[];
  inhibitRules: LintInhibitRule[];
  /** alertmanager.yml as text, for amtool. */
  text?: string;
  /** File lines of routes by their path (`route.routes[0]`). */
  routeLines?: Map<string, number>;
}

export interface RouteTestCase {
  name: string;
  labels: Record<string, string>;
  receivers: string[];
}

export interface LintInput {
  stack: string;
  scrapeIntervalMs: number;
  evaluationIntervalMs: number;
  groups: LintGroup[];
  /** Scrape jobs; undefined when no scrape configuration was given (checks that need it are skipped). */
  jobs?: LintJob[];
  alertmanager?: LintAlertmanager;
  routeTests?: { file: string; cases: RouteTestCase[]; inhibitions?: InhibitionCase[] };
  /** A bundle (real or assembled from dashboard files) for the dashboard checks. */
  dashboards?: Bundle;
  /** Diagnostics of synth (stacks) or of loading files, reported as findings. */
  diagnostics?: Diagnostic[];
  /** File of each stack diagnostic's props path prefix: the stack file. */
  stackFile?: string;
  /** Rule files that form one rule set each (no --config): duplicates are only looked for within one. */
  ruleSets?: 'per-file' | 'one';
  /** Check ids a `# obsgen-lint file/disable <id>...` comment turns off, per file (`*`: every check). */
  fileDisabled?: Map<string, Set<string>>;
  settings?: LintSettings;
}

export interface LintOptions {
  /** Run routes.test.json through amtool (default: when amtool is on PATH). */
  amtool?: boolean;
  /** A Prometheus server that decides promql/series (`--prometheus URL`) instead of the catalog. */
  prometheus?: string;
}

/** Per-check settings of a lint config file (`--lint-config`). */
export interface LintSettings {
  /** Severity per check id; `off` drops the check's findings. */
  severity?: Record<string, LintSeverity | 'off'>;
  /** Severity of an alert without a severity label (default warning; `off` for rule sets that route on other labels). */
  missingSeverity?: LintSeverity | 'off';
}
