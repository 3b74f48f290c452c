/**
 * An alerting rule's state, as rules/alerting.go keeps it: each result series becomes an alert
 * that is pending until it has been active for `for`, then firing; an alert whose series is gone
 * is resolved, or keeps firing for `keep_firing_for`. Every evaluation writes ALERTS
 * (alertstate pending|firing, value 1) and ALERTS_FOR_STATE (value: the Unix seconds it became
 * active) for each pending or firing alert.
 */
import type { Labels } from './format.ts';
import type { RuleDef } from './rulefile.ts';
import type { Sample } from './evaluator.ts';

export type AlertState = 'inactive' | 'pending' | 'firing';

export interface Alert {
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  value: number;
  activeAtMs: number;
  firedAtMs: number;
  resolvedAtMs: number;
  keepFiringSinceMs: number;
}

/** Expands a label or annotation template for one result sample. */
export type Expand = (text: string, sample: Sample) => string;

/** How long a resolved alert is kept (rules.resolvedRetention). */
const RESOLVED_RETENTION_MS = 15 * 60_000;

/** Stable identity of a label set (the labels' hash in Go). */
export function labelsKey(ls: Labels): string {
  return Object.keys(ls)
    .sort()
    .map((k) => `${k}\u0000${ls[k]}`)
    .join('\u0001');
}

export class AlertingRuleState {
  readonly active = new Map<string, Alert>();

  constructor(readonly rule: RuleDef) {}

  /**
   * One evaluation at tMs over the query's result `res`: updates the alerts and returns the
   * ALERTS and ALERTS_FOR_STATE samples (stamped at `sampleMs`, ts minus the group's query offset).
   * Throws as Prometheus does on a result with two alerts of the same labels, or over `limit`.
   */
  eval(res: Sample[], tMs: number, expand: Expand, limit = 0): Sample[] {
    const r = this.rule;
    const fresh = new Map<string, Alert>();
    for (const smpl of res) {
      const lb: Labels = { ...smpl.labels };
      delete lb.__name__;
      for (const [k, v] of Object.entries(r.labels)) {
        const x = expand(v, smpl);
        // labels.Builder.Set with an empty value deletes the label.
        if (x === '') delete lb[k];
        else lb[k] = x;
      }
      lb.alertname = r.name;
      const annotations: Labels = {};
      for (const [k, v] of Object.entries(r.annotations)) annotations[k] = expand(v, smpl);
      const h = labelsKey(lb);
      if (fresh.has(h)) throw new Error('vector contains metrics with the same labelset after applying alert labels');
      fresh.set(h, { labels: lb, annotations, state: 'pending', value: smpl.value, activeAtMs: tMs, firedAtMs: 0, resolvedAtMs: 0, keepFiringSinceMs: 0 });
    }
    for (const [h, a] of fresh) {
      const old = this.active.get(h);
      if (old && old.state !== 'inactive') {
        old.value = a.value;
        old.annotations = a.annotations;
        continue;
      }
      this.active.set(h, a);
    }
    const out: Sample[] = [];
    let numActivePending = 0;
    for (const [h, a] of this.active) {
      if (!fresh.has(h)) {
        let keepFiring = false;
        if (a.state === 'firing' && r.keepFiringForMs > 0) {
          if (a.keepFiringSinceMs === 0) a.keepFiringSinceMs = tMs;
          if (tMs - a.keepFiringSinceMs < r.keepFiringForMs) keepFiring = true;
        }
        if (a.state === 'pending' || (a.resolvedAtMs !== 0 && tMs - a.resolvedAtMs > RESOLVED_RETENTION_MS)) this.active.delete(h);
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAtMs = tMs;
        }
        if (!keepFiring) continue;
      } else a.keepFiringSinceMs = 0;
      numActivePending++;
      if (a.state === 'pending' && tMs - a.activeAtMs >= r.forMs) {
        a.state = 'firing';
        a.firedAtMs = tMs;
      }
      if (a.state === 'firing' && tMs - a.activeAtMs < r.forMs) {
        a.state = 'pending';
        a.firedAtMs = 0;
        a.keepFiringSinceMs = 0;
      }
      out.push(this.sample(a, 'ALERTS', 1, true), this.sample(a, 'ALERTS_FOR_STATE', Math.floor(a.activeAtMs / 1000), false));
    }
    if (limit > 0 && numActivePending > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${numActivePending} alerts`);
    }
    return out;
  }

  /** ALERTS / ALERTS_FOR_STATE: the rule's (unexpanded) labels, overridden by the alert's. */
  private sample(a: Alert, metric: string, value: number, withState: boolean): Sample {
    const labels: Labels = { ...this.rule.labels, ...a.labels, __name__: metric, alertname: this.rule.name };
    for (const k of Object.keys(labels)) if (labels[k] === '') delete labels[k];
    if (withState) labels.alertstate = a.state;
    return { labels, value };
  }

  /** Alerts that are pending or firing (ActiveAlerts: not resolved). */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.resolvedAtMs === 0);
  }
}
