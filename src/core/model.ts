/**
 * The bundle's intermediate representation: plain data that services, mixins and SLOs
 * contribute, that checks read, and that emitters turn into files. No file formats here.
 */
export type Labels = Record<string, string>;

export type Severity = 'critical' | 'warning' | 'info';

/** One input series of a promtool test: `series` in PromQL selector form, `values` in expanding notation. */
export interface InputSeries {
  series: string;
  values: string;
}

/** An alert instance expected at an eval time: the expression's output labels and value. */
export interface ExpectedAlert {
  /** Labels of the expression's result sample (rule labels are added by the test generator). */
  labels: Labels;
  /** The sample value, used to render `$value` in annotations exactly as Prometheus does. */
  value: number;
  /** Values of `query "..." | first | value` in the alert's templates, by query text. */
  queries?: Record<string, number>;
  /** Labels of the first sample of `query "..." | first | label "x"` in the alert's templates, by query text. */
  queryLabels?: Record<string, Labels>;
  /** The rule giving this alert when it is another rule of the same name in the group (e.g. another burn-rate pair). */
  rule?: { labels: Labels; annotations: Labels };
}

export interface AlertCheck {
  /** Duration since the start of the input series, e.g. `10m`. */
  at: string;
  /** Alerts expected to be firing at `at`; empty means the alert must stay quiet. */
  firing: ExpectedAlert[];
}

/** A scenario for one alert: input series and what must fire when. */
export interface AlertScenario {
  /** Short description, becomes the promtool test name, e.g. `fires on 10% 5xx`. */
  name: string;
  /** Step between input samples; defaults to 1m. */
  interval?: string;
  series: InputSeries[];
  checks: AlertCheck[];
  /**
   * The group whose test file runs this scenario, when it is not the alert's own: a rule
   * shared by several components (the SLO burn-rate alerts) is tested with each
   * component's inputs and rules, next to that component's other tests.
   */
  home?: string;
}

/** A PromQL expression check in a scenario: the value a recording rule or query must give. */
export interface ExprScenario {
  name: string;
  interval?: string;
  series: InputSeries[];
  checks: { at: string; expr: string; samples: { labels: string; value: number }[] }[];
}

export interface RunbookContent {
  /** What the alert means, in a sentence or two. */
  meaning: string;
  /** What users feel while it fires. */
  impact: string;
  /** PromQL that helps diagnose, with a line saying what each shows. */
  diagnosis: { title: string; query: string }[];
  /** First steps to take. */
  mitigation: string[];
}

export interface AlertRule {
  kind: 'alert';
  name: string;
  expr: string;
  /** Omitted only for multi-window burn-rate alerts, whose short window debounces. */
  for?: string;
  keepFiringFor?: string;
  labels: Labels & { severity: Severity | 'none' };
  /** Labels every alert gets from the expression's series rather than from `labels` (e.g. `service` of a rule shared by many SLOs). */
  seriesLabels?: string[];
  annotations: Labels;
  runbook?: RunbookContent;
  /** Scenarios the generated promtool tests run: at least one firing and one quiet. */
  tests: AlertScenario[];
  /** Why the alert has no generated tests, where its producer already warned about it (e.g. an SLI obsgen cannot write series for). */
  untested?: string;
  /** Path in the stack props that produced this rule, for diagnostics. */
  source: string;
  /**
   * Which alert this rule is a tier of. Rules of one name are one alert (warning and
   * critical tiers, one rule per SLO) only when they have the same `tierOf`; otherwise two
   * alerts share a name, a runbook page and the default inhibit rule: an error. Unset, the
   * build uses the component kind and the rule's source (tiers of one knob share it).
   */
  tierOf?: string;
  /**
   * Kept as written in an imported rule file (`ruleGroups`): emitted verbatim, and obsgen's own
   * conventions (severity, service, summary/description/runbook_url, `for`, tests) only warn.
   */
  imported?: boolean;
  /**
   * Per-series annotation values of a rule shared by many SLOs, where the SLO's value cannot be
   * written from the alert's labels (a dashboard link whose uid `dashboardUid` hashed): gathered
   * from every contributor and rendered into an if/else chain by `renderSharedCases`
   * (src/slo/policy.ts). Not part of the rule's identity.
   */
  cases?: { match: Labels; annotations: Labels }[];
}

export interface RecordingRule {
  kind: 'record';
  name: string;
  expr: string;
  labels?: Labels;
  tests?: ExprScenario[];
  source: string;
}

export type Rule = AlertRule | RecordingRule;

export interface RuleGroup {
  /** Group name, also the file stem: prometheus/rules/<name>.rules.yml (unless `file`). */
  name: string;
  /** File stem when the name cannot be one (an imported group named `Node alerts`). */
  file?: string;
  /** Most alerts or series one evaluation may produce (Prometheus's group `limit`). */
  limit?: number;
  /** Contributed by several components (e.g. the SLO windows every SLO reads): merged by name, identical rules once. */
  shared?: boolean;
  interval?: string;
  /**
   * Prometheus 3 group fields, kept as an imported file has them (query_offset: Prometheus 2.53+,
   * labels: 3.0+). The rules' `labels` already include the group's (what Prometheus attaches), so
   * every check and test sees the alert's real label set; the emitter writes them back at group level.
   */
  queryOffset?: string;
  labels?: Record<string, string>;
  rules: Rule[];
  source: string;
  /** The raw reads of the SLO whose group this is: SLOs of one shape share them (src/slo/merge.ts). */
  sloReads?: SloReads;
}

/** What an SLO reads from raw series, for merging the reads of many SLOs into one rule. */
export interface SloReads {
  service: string;
  slo: string;
  groupBy: string[];
  kind: string;
  reads: { total: RawRead; bad?: RawRead; good?: RawRead };
  /** Windows read, e.g. `['5m', '6h']`. */
  windows: string[];
}

export interface RawRead {
  fn: string;
  selector: string;
}

export interface RelabelConfig {
  sourceLabels?: string[];
  separator?: string;
  regex?: string;
  targetLabel?: string;
  replacement?: string;
  action?:
    | 'replace'
    | 'keep'
    | 'drop'
    | 'keepequal'
    | 'dropequal'
    | 'hashmod'
    | 'labelmap'
    | 'labeldrop'
    | 'labelkeep'
    | 'lowercase'
    | 'uppercase';
  modulus?: number;
}

export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify?: boolean;
}

export interface KubernetesSdConfig {
  role: 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'node' | 'ingress';
  namespaces?: string[];
  /** Absent (with kubeconfigFile absent too): in-cluster discovery. */
  apiServer?: string;
  bearerTokenFile?: string;
  tls?: TlsFiles;
  kubeconfigFile?: string;
}

/**
 * How a Prometheus run by prometheus-operator inside the cluster scrapes a job: a
 * ServiceMonitor (a Service's endpoints) or a PodMonitor (pods), in-cluster discovery.
 * Set where the in-cluster form differs from what the job's kubernetesSd implies (the
 * kubernetes mixin: kubelet cAdvisor through the kubelet Service, not the API server proxy).
 */
export interface KubernetesScrape {
  kind: 'ServiceMonitor' | 'PodMonitor';
  /** Namespaces of the Services or pods; 'any' for all. Absent: the monitor's own namespace (the operator's default). */
  namespaces?: string[] | 'any';
  /** matchLabels of the Services or pods. @default {} (all) */
  selector?: Record<string, string>;
  /** Name of the Service or container port. Absent: every port. */
  port?: string;
  /** The pods' port number, where the Service port has no name. */
  targetPort?: number;
  path?: string;
  scheme?: 'http' | 'https';
  /** Relabelings in Kubernetes discovery terms; replace the job's own in this form. */
  relabel?: RelabelConfig[];
  honorLabels?: boolean;
  /** Authenticate with the Prometheus pod's own service account token and CA (kubelet). */
  serviceAccountAuth?: boolean;
  /** Skip verifying the target's serving certificate (kubelets often serve self-signed ones). */
  insecureSkipVerify?: boolean;
}

export interface ScrapeJob {
  name: string;
  /** The in-cluster (prometheus-operator) form, when it is not the one kubernetesSd implies. */
  kubernetes?: KubernetesScrape;
  scrapeInterval?: string;
  scrapeTimeout?: string;
  metricsPath?: string;
  scheme?: 'http' | 'https';
  params?: Record<string, string[]>;
  honorLabels?: boolean;
  staticConfigs?: { targets: string[]; labels?: Labels }[];
  fileSdConfigs?: { files: string[]; refreshInterval?: string }[];
  kubernetesSdConfigs?: KubernetesSdConfig[];
  relabelConfigs?: RelabelConfig[];
  metricRelabelConfigs?: RelabelConfig[];
  basicAuth?: { username: string; passwordFile: string };
  bearerTokenFile?: string;
  tls?: TlsFiles;
  sampleLimit?: number;
  /** Catalog key of the exporter behind this job (e.g. `node_exporter`), for lint and natively run stacks. */
  exporter?: string;
  source: string;
}

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface InhibitRule {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
  source: string;
}

/** A built classic Grafana dashboard with where it goes. */
export interface DashboardFile {
  uid: string;
  title: string;
  /** Folder under grafana/dashboards/, becomes the Grafana folder. */
  folder: string;
  /** The dashboard JSON model (plain data). Ids and refIds are assigned at emit. */
  model: Record<string, unknown>;
  source: string;
  /** Imported (rawDashboard, or dashboard({ imported: true })): obsgen's own conventions only warn on it. */
  imported?: boolean;
}

/** A container of the compose stack besides Prometheus, Alertmanager and Grafana (e.g. an exporter). */
export interface ComposeService {
  name: string;
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  /** Names of compose secrets mounted at /run/secrets/<name>. */
  secrets?: string[];
  /** Published on the compose bind address (127.0.0.1 by default). */
  ports?: { host: number; container: number }[];
  /** Config files generated into the bundle (`path`, relative to it) and mounted read-only at `mountAt`; `data` is written as YAML. */
  files?: { path: string; mountAt: string; data: unknown }[];
  /** Catalog key of the exporter this container runs (the native runner maps it to a Debian binary). */
  exporter?: string;
  source: string;
}

/**
 * What a component declares about the labels of a metric it defines (an httpService's request
 * counter), so that checks can tell a query that matches on a label the metric never carries.
 */
export interface DeclaredMetric {
  job: string;
  /** Series name as queried (`http_requests_total`, `http_request_duration_seconds_bucket`). */
  series: string;
  /** Labels it carries besides job, instance and the job's target labels. */
  labels: string[];
  /** `labels` is every label it carries; when false, only `notLabels` are known to be absent. */
  complete: boolean;
  /** Labels it is declared not to carry (other spellings of the status code label than the declared one). */
  notLabels: string[];
  /** Props path of the declaration, e.g. `services[0].metrics.codeLabel`. */
  source: string;
}

/** What a service, mixin or SLO adds to a stack. Every list may be empty. */
export interface Contribution {
  scrapeJobs: ScrapeJob[];
  ruleGroups: RuleGroup[];
  dashboards: DashboardFile[];
  inhibitRules: InhibitRule[];
  composeServices: ComposeService[];
  /** Label declarations of metrics the component defines (optional: most components define none). */
  declaredMetrics?: DeclaredMetric[];
}

export function emptyContribution(): Contribution {
  return { scrapeJobs: [], ruleGroups: [], dashboards: [], inhibitRules: [], composeServices: [] };
}

export function mergeContributions(parts: Contribution[]): Contribution {
  const out = emptyContribution();
  const inhibitKeys = new Set<string>();
  for (const p of parts) {
    out.scrapeJobs.push(...p.scrapeJobs);
    for (const g of p.ruleGroups) {
      const same = g.shared ? out.ruleGroups.find((x) => x.shared && x.name === g.name) : undefined;
      if (!same) out.ruleGroups.push(g.shared ? { ...g, rules: g.rules.map(ownCopy) } : g);
      else {
        for (const r of g.rules) {
          const twin = same.rules.find((x) => sameRule(x, r));
          // One copy of a shared alert, tested with every contributor's scenarios.
          if (!twin) same.rules.push(ownCopy(r));
          else if (twin.kind === 'alert' && r.kind === 'alert') {
            twin.tests.push(...r.tests);
            if (r.cases) twin.cases = [...(twin.cases ?? []), ...r.cases];
          }
        }
      }
    }
    out.dashboards.push(...p.dashboards);
    for (const rule of p.inhibitRules) {
      const key = inhibitKey(rule);
      if (!inhibitKeys.has(key)) (inhibitKeys.add(key), out.inhibitRules.push(rule));
    }
    out.composeServices.push(...p.composeServices);
    if (p.declaredMetrics?.length) (out.declaredMetrics ??= []).push(...p.declaredMetrics);
  }
  // Shared groups read what the components' own groups record: after them, so that promtool
  // (which evaluates groups in file order) sees this evaluation's samples.
  out.ruleGroups = [...out.ruleGroups.filter((g) => !g.shared), ...out.ruleGroups.filter((g) => g.shared)];
  return out;
}

/** A shared group's alert gathers tests from every contributor: it must not grow the contributor's rule. */
function ownCopy(rule: Rule): Rule {
  return rule.kind === 'alert' ? { ...rule, tests: [...rule.tests], ...(rule.cases ? { cases: [...rule.cases] } : {}) } : rule;
}

function sameRule(a: Rule, b: Rule): boolean {
  if (a.kind !== b.kind || a.name !== b.name || a.expr !== b.expr || JSON.stringify(a.labels ?? {}) !== JSON.stringify(b.labels ?? {})) return false;
  return a.kind !== 'alert' || b.kind !== 'alert' || JSON.stringify(a.annotations) === JSON.stringify(b.annotations);
}

/** Identical inhibit rules (the shared SLO alerts' tiers, once per SLO) are kept once. */
function inhibitKey(r: InhibitRule): string {
  return JSON.stringify([r.sourceMatchers, r.targetMatchers, r.equal]);
}
