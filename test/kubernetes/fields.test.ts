/**
 * Fields the CRD lacks fail the build: the models' validators let them through (shown here),
 * so every object is walked against the fields its kind declares, with the file, the object,
 * the field path and the nearest real field. The field table is what the generator makes of
 * the installed models, so an upgrade that forgets to regenerate it fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Diagnostics } from '../../src/core/diagnostics.ts';
import { unknownFields } from '../../src/emit/kubernetes/fields.ts';
import { validateObjects } from '../../src/emit/kubernetes/validate.ts';
import { FIELDS_FILE, fieldsFileText, generateFieldTree } from '../../scripts/kubernetes-fields.ts';

const misspelt = () => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'shop-api', labels: { 'app.kubernetes.io/part-of': 'shop' } },
  spec: { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'http', intervall: '15s', relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'api' }] }] },
});

describe('fields the CRD does not have', () => {
  it("the models' own validator accepts a misspelt field (why the walk exists)", () => {
    expect(() => new ServiceMonitor(misspelt() as never).validate()).not.toThrow();
  });

  it('fails the build with the file, object, field path and the field meant', () => {
    const diag = new Diagnostics('shop');
    validateObjects([{ file: 'servicemonitor-shop-api.yaml', source: 'services[0]', object: misspelt() }], diag);
    expect(diag.errors.map((d) => ({ path: d.path, code: d.code, message: d.message, value: d.value }))).toEqual([
      {
        path: 'services[0]',
        code: 'kubernetes-schema',
        message: 'kubernetes/servicemonitor-shop-api.yaml: ServiceMonitor shop-api: spec.endpoints[0].intervall is not a field of Endpoint (the API server would drop it): did you mean interval?',
        value: '15s',
      },
    ]);
  });

  it('walks arrays, maps and nested types; free-form maps (labels, ConfigMap data) take any key', () => {
    const prometheus = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name: 'shop', labels: { 'any.key/x': 'v' }, annotaions: { a: 'b' } },
      spec: {
        externalLabels: { anything: 'goes' },
        remoteWrite: [{ url: 'http://vm:8428/api/v1/write', queueConfig: { maxShards: 10, maxShard: 10 }, writeRelabelConfigs: [{ action: 'labeldrop', regexp: 'x' }] }],
        serviceMonitorSelector: { matchLabels: { a: 'b' }, matchExpresions: [] },
      },
    };
    expect(unknownFields(prometheus).map((u) => `${u.path} (${u.type})`)).toEqual([
      'metadata.annotaions (ObjectMeta)',
      'spec.remoteWrite[0].queueConfig.maxShard (QueueConfig)',
      'spec.remoteWrite[0].writeRelabelConfigs[0].regexp (RelabelConfig)',
      'spec.serviceMonitorSelector.matchExpresions (LabelSelector)',
    ]);
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'a.json': '{}', 'b.yaml': '' } };
    expect(unknownFields(configMap)).toEqual([]);
  });

  it('the field table is what scripts/kubernetes-fields.ts generates from the installed models', () => {
    expect(readFileSync(FIELDS_FILE, 'utf8')).toBe(fieldsFileText(generateFieldTree()));
  }, 120_000);
});
