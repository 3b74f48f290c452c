/**
 * The command line's help texts, apart from the commands: `obsgen --help` loads this file and
 * nothing else of obsgen, so it starts about as fast as node itself.
 */

export const PROMQL_TEST_HELP = `  obsgen promql-test FILE...
      Run files in Prometheus's promqltest format (load / eval instant / eval range / expect ...)
      on obsgen's in-process PromQL engine; ends with \`N passed, N failed\` (exit 1 on failures;
      cases the engine does not support, such as native histograms, count as failed).
`;

export const IMPORT_HELP = `  obsgen import openslo FILE
      Print the slo({...}) TypeScript for the SLOs of an OpenSLO v1 file; what does not map is
      listed as comments (exit 1 if an SLO could not be imported).
  obsgen import rules FILE... [--name STACK]
      Print a stack file whose ruleGroups build into the same rules as the Prometheus rule
      files (or PrometheusRule objects): names, expressions, labels, annotations, for,
      keep_firing_for, group interval and limit. Alerts of simple shapes (a series or a
      by-aggregation compared with a number, absent()) get generated promtool tests.
  obsgen import alertmanager FILE
      Print the alerting: {...} props for an alertmanager.yml: routes, receivers, inhibit
      rules, time intervals, templates. Inline secrets are refused (move each to a file
      and use its *_file field).
  obsgen import grafana FILE.json... [--raw]
      Print dashboard({...}) definitions for Grafana dashboards (panels, queries, variables,
      layout); a dashboard obsgen cannot model (or every one, with --raw) is kept as raw
      JSON (rawDashboard), checked at build.
  See docs/import.md.
`;

export const PREVIEW_HELP = `  obsgen preview <stack> [--prometheus URL] [--out DIR] [--dest DIR] [--range 1h] [--uid UID]... [--no-png]
      Render each dashboard of the built bundle DIR/<stack>/ as a static HTML page, its
      queries evaluated against the Prometheus at URL (e.g. http://127.0.0.1:9090), and a
      PNG per dashboard with headless Chromium (scripts/install-tools.sh chromium).
      Pages go to DIR/<stack>/preview/ (or --dest); the next build replaces them.
`;

export const LINT_HELP = `  obsgen lint [--stack NAME]... [--file FILE]... [--format text|json|sarif] [--strict] [--no-amtool]
      Lint stacks (default: every stack in stacks/): PromQL, alert templates, labels, routing,
      inhibit rules, route tests (obsgen's matcher and amtool), dashboards. Exit 1 on errors,
      on warnings too with --strict.
  obsgen lint --rules FILE_DIR_OR_GLOB... [--config prometheus.yml] [--alertmanager alertmanager.yml]
              [--route-tests routes.test.json] [--dashboards DIR_OR_GLOB]... [--prometheus URL]
      Lint plain files (hand-written rules before they are migrated). --rules takes several
      files and directories (a shell-expanded glob). Without --config each file is its own
      rule set; --prometheus URL asks that server which series exist (promql/series).
  Any mode: [--lint-config FILE] severities per check (severity: {id: error|warning|info|off},
      missingSeverity); [--baseline FILE] report only findings not in FILE, which
      [--write-baseline FILE] writes. Comments in rule files: # obsgen-lint disable ID...
      (the rule below or around it), # obsgen-lint file/disable ID... (the whole file).
`;

export const INIT_HELP = `  obsgen init [--name NAME] [--dir DIR]
      Scaffold a project: stacks/NAME.ts, tsconfig.json, package.json scripts (build, test,
      lint) and .github/workflows/observability.yml. Existing files are kept.
`;

export const STACK_HELP = `  obsgen stack up <stack> [--out DIR] [--with NAME=CMD]... [--demo NAME] [--webhook URL | --webhook-sink]
                 [--extra NAME=CMD]... [--without NAME]... [--scrape-interval D] [--evaluation-interval D]
                 [--max-for D] [--group-wait D] [--group-interval D] [--repeat-interval D] [--state DIR]
      Start the built bundle DIR/<stack>/ without Docker: Debian prometheus, prometheus-alertmanager
      and exporters on free 127.0.0.1 ports, targets rewritten to them in a runtime copy under
      the state folder (default .obsgen/stacks/<stack>/). Grafana is skipped (no Debian package).
      --with NAME=CMD runs CMD for a compose service, target host or job NAME ({port} / $PORT is
      its port); --demo NAME runs obsgen's demo HTTP service there. --webhook-sink starts a sink
      and points every receiver at it. Timing flags change the runtime copy only.
  obsgen stack status <stack> [--state DIR]
      Each process: pid, port, running, ready (/-/ready, /metrics or TCP); Prometheus targets;
      per job, the metrics the bundle's rules and panels read that Prometheus has no series of.
  obsgen stack reload <stack> [--state DIR]
      After obsgen build: re-render the runtime copy, validate it (promtool, amtool), then /-/reload.
  obsgen stack down <stack> [--state DIR]
      Stop exactly what up started, by pid (SIGTERM, SIGKILL after 10 s).`;

export const TEST_RULES_HELP = `  obsgen test-rules [--run REGEX]... FILE...
      promtool test rules FILE... in process, on obsgen's PromQL engine (Prometheus 3 semantics):
      same test files (rule_files relative to each test file), same report, exit 0 or 1.
      --run runs only the test groups whose name matches (repeatable, as promtool's --run).
`;
