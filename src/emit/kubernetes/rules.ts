/**
 * Rule groups -> one PrometheusRule per group file of the compose bundle, with the same
 * rules written by the same function (ruleYaml), so the checks and promtool tests of the
 * group files hold for these objects too.
 */
import type { RuleGroup } from '../../core/model.ts';
import { ruleYaml } from '../prometheus.ts';
import type { KubernetesTargetConfig } from '../../stack/targets.ts';
import { type KubeObject, metadata, objectName } from './common.ts';

/** Label of the PrometheusRules each shard evaluates (prometheus.shardLocalRules); the ThanosRuler selects the others. */
export const EVALUATION_LABEL = 'obsgen.dev/evaluation';

export function prometheusRule(group: RuleGroup, stack: string, config: KubernetesTargetConfig, shardLocal = false): KubeObject {
  const name = objectName(stack, group.name);
  return {
    file: `prometheusrule-${name}.yaml`,
    source: group.source,
    object: {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: metadata(name, config.namespace, stack, shardLocal ? { ...config.ruleLabels, [EVALUATION_LABEL]: 'shard' } : config.ruleLabels),
      spec: { groups: [{ name: group.name, ...(group.interval ? { interval: group.interval } : {}), rules: group.rules.map(ruleYaml) }] },
    },
  };
}
