/**
 * What the kubernetes target's objects (src/emit/kubernetes, prometheus-operator CRDs) do not
 * carry of a stack that the compose bundle does: refused at build time rather than dropped.
 * The AlertmanagerConfig object has webhook, slack, pagerduty and email receivers only (the
 * 'secret' mode ships alertmanager.yaml whole), and neither mode ships bundled template files.
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import { joinPath } from '../core/diagnostics.ts';
import { EXTRA_RECEIVER_KINDS } from '../alertmanager/receivers.ts';
import type { Alerting } from '../alertmanager/schema.ts';

export function checkKubernetesCarries(alerting: Alerting, mode: 'alertmanagerConfig' | 'secret', diag: Diagnostics): void {
  if (mode === 'alertmanagerConfig') {
    for (const [name, r] of Object.entries(alerting.receivers)) {
      for (const kind of EXTRA_RECEIVER_KINDS) {
        if (!r[kind]) continue;
        diag.error(joinPath('alerting', 'receivers', name, kind), 'kubernetes-receiver', `receiver ${name}'s ${kind} integration is not carried into the kubernetes target's AlertmanagerConfig object`, {
          hint: "set kubernetes: { alertmanager: 'secret' } to ship the whole alertmanager.yaml to the operator's Alertmanager, or build for compose only (targets: ['compose'])",
        });
      }
    }
  }
  (alerting.templates ?? []).forEach((t, i) => {
    if (typeof t === 'string') return;
    diag.error(joinPath('alerting', 'templates', i), 'kubernetes-template', `template file ${t.name} is not shipped by the kubernetes target`, {
      hint: "put it in a ConfigMap mounted into the operator's Alertmanager and list its path as a string, or build for compose only (targets: ['compose'])",
    });
  });
}
