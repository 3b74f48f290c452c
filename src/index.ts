/**
 * obsgen's public API: everything a stack file imports, from 'obsgen'.
 * Stack files call factories with flat props objects; synth validates them.
 */
export { defineStack, type Stack } from './stack/define.ts';
export type { StackProps } from './stack/schema.ts';
export { synth, trySynth } from './stack/synth.ts';
export type { Bundle } from './stack/bundle.ts';
export { bundleFiles } from './emit/files.ts';
export { buildStack } from './stack/build.ts';
export { httpService, type HttpServiceProps } from './mixins/http.ts';
export type { ScrapeJobProps, RelabelProps } from './scrape/schema.ts';
export type { AlertingProps, ReceiverProps, RouteProps } from './alertmanager/schema.ts';
export type { CustomAlertProps, RecordingGroupProps } from './alerts/custom.ts';
export { BuildError, formatDiagnostic, type Diagnostic } from './core/diagnostics.ts';
export type { Component, BuildContext } from './core/component.ts';
export { defineComponent } from './core/component.ts';
export * from './core/model.ts';
export { postgres, type PostgresProps } from './mixins/postgres.ts';
export { redis, type RedisProps } from './mixins/redis.ts';
