/**
 * obsgen's public API: everything a stack file imports, from 'obsgen'.
 * Stack files call factories with flat props objects; synth validates them.
 */
export { defineStack, type Stack } from './stack/define.ts';
export type { StackProps } from './stack/schema.ts';
export type { BuildTarget, KubernetesTargetConfig } from './stack/targets.ts';
export { synth, trySynth } from './stack/synth.ts';
export type { Bundle } from './stack/bundle.ts';
export { bundleFiles } from './emit/files.ts';
export { preloadKubernetesModels } from './emit/kubernetes/validate.ts';
export { buildStack } from './stack/build.ts';
export { httpService, type HttpServiceProps } from './mixins/http.ts';
export type { ScrapeJobProps, RelabelProps } from './scrape/schema.ts';
export type { AlertingProps, ReceiverProps, RouteProps } from './alertmanager/schema.ts';
export type { CustomAlertProps, RecordingGroupProps } from './alerts/custom.ts';
export { BuildError, formatDiagnostic, type Diagnostic } from './core/diagnostics.ts';
export type { Component, BuildContext, DatasourceRef } from './core/component.ts';
export { defineComponent } from './core/component.ts';
export * from './core/model.ts';
export { postgres, type PostgresProps } from './mixins/postgres.ts';
export { redis, type RedisProps } from './mixins/redis.ts';
export { rawDashboard, type RawDashboardSpec } from './dashboards/raw.ts';
export { dashboard, row, timeseries, stat, gauge, table, text, type DashboardSpec, type PanelSpec, type RowSpec, type QuerySpec } from './dashboards/user.ts';
export { slo, type SloProps, type SloBodyProps, type BurnPairProps } from './slo/index.ts';
export { openslo, fromOpenSLO } from './slo/openslo.ts';
export { haproxy, type HaproxyProps } from './mixins/haproxy.ts';
export { nginx, ingressNginx, type NginxProps, type IngressNginxProps } from './mixins/nginx.ts';
export { kubernetes, kubernetesPodsJob, type KubernetesProps, type KubernetesPodsJobOptions } from './mixins/kubernetes.ts';
export { gpu, type GpuProps } from './mixins/gpu.ts';
export { loki, logShipper, type LokiProps, type LogShipperProps } from './mixins/logging.ts';
export { probes, type ProbesProps } from './mixins/probes.ts';
export { startStack, stopStack, stackStatus, reloadStack, type StartOptions, type StackHandle, type StackState } from './stack/native/index.ts';
export { lint, lintInput, fromBundle, fromFiles, formatText, formatJson, formatSarif, type Finding, type LintInput } from './lint/index.ts';
export { targets, type TargetsProps } from './mixins/targets.ts';
// `node` is the name DESIGN.md and node_exporter users reach for first.
export { host, host as node, type HostProps } from './mixins/host.ts';
export { mysql, type MysqlProps } from './mixins/mysql.ts';
export { kafka, type KafkaProps } from './mixins/kafka.ts';

// What a mixin package builds with (docs/extending.md): the helpers the built-in mixins are
// made of, so a package's alerts, tests, dashboard and catalog entries follow the same conventions.
export { z } from 'zod';
export { alertKnob, jobName, panelLinker, type KnobDefaults } from './mixins/knobs.ts';
export { exporterTarget, exporterScrapeJob, fixtureInstance, mixinDashboardUid } from './mixins/exporter.ts';
export {
  mixinAlert,
  sel,
  fireAt,
  stepsFor,
  gauge as gaugeSeries,
  counter as counterSeries,
  firingChecks,
  quiet,
  type MixinTarget,
  type AlertKnobs,
  type AlertParts,
} from './alerts/rulekit.ts';
export { mixinBoard, type BoardPanel, type MixinBoardProps } from './dashboards/mixinboard.ts';
export { registerExporter, exporterDefaults, type ExporterInfo, type MetricInfo, type MetricType } from './scrape/catalog/index.ts';
export { duration as durationSchema, severity as severitySchema, alertName as alertNameSchema } from './core/schema.ts';
