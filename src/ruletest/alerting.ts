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
  /** The rendered annotations (rendered when first read: see AlertingRuleState.eval). */
  readonly annotations: Labels;
  /** Renders the annotations of the latest evaluation that returned this alert. */
  renderAnnotations: () => Labels;
  state: AlertState;
  value: number;
  activeAtMs: number;
  firedAtMs: number;
  resolvedAtMs: number;
  keepFiringSinceMs: number;
}

/** Expands a label or annotation template for one result sample. */
export type Expand = ((text: string, sample: Sample) => string) & {
  /** Whether `text` expands to the same string for every sample with the same (frozen) labels object. */
  labelsOnly?: (text: string) => boolean;
};

/** How long a resolved alert is kept (rules.resolvedRetention). */
const RESOLVED_RETENTION_MS = 15 * 60_000;

/** Stable identity of a label set (the labels' hash in Go). */
const KEYS = new WeakMap<Labels, string>();
export function labelsKey(ls: Labels): string {
  // Frozen label sets (the engine's) cannot change, so their key is computed once.
  if (Object.isFrozen(ls)) {
    let k = KEYS.get(ls);
    if (k === undefined) KEYS.set(ls, (k = computeKey(ls)));
    return k;
  }
  return computeKey(ls);
}

function computeKey(ls: Labels): string {
  return Object.keys(ls)
    .sort()
    .map((k) => `${k}\u0000${ls[k]}`)
    .join('\u0001');
}

function frozen(annotations: Labels): () => Labels {
  return () => annotations;
}

function newAlert(labels: Labels, renderAnnotations: () => Labels, value: number, tMs: number): Alert {
  let cache: { fn: () => Labels; annotations: Labels } | undefined;
  return {
    labels,
    renderAnnotations,
    get annotations(): Labels {
      if (cache?.fn !== this.renderAnnotations) cache = { fn: this.renderAnnotations, annotations: this.renderAnnotations() };
      return cache.annotations;
    },
    state: 'pending',
    value,
    activeAtMs: tMs,
    firedAtMs: 0,
    resolvedAtMs: 0,
    keepFiringSinceMs: 0,
  };
}

export class AlertingRuleState {
  readonly active = new Map<string, Alert>();
  /** Alert labels by sample label set, for rules whose label templates read only the labels. */
  private readonly alertLabels = new WeakMap<Labels, Labels>();
  /** Whether an annotation template can read the store (query) or the clock (now): then it renders at once. */
  private readonly queries: boolean;

  constructor(readonly rule: RuleDef) {
    this.queries = Object.values(rule.annotations).some((t) => /\b(query|now)\b/.test(t));
  }

  /**
   * One evaluation at tMs over the query's result `res`: updates the alerts and returns the
   * ALERTS and ALERTS_FOR_STATE samples (stamped at `sampleMs`, ts minus the group's query offset).
   * Throws as Prometheus does on a result with two alerts of the same labels, or over `limit`.
   */
  eval(res: Sample[], tMs: number, expand: Expand, limit = 0): Sample[] {
    const r = this.rule;
    const fresh = new Map<string, Alert>();
    // The alert's labels depend on the sample's labels only when every label template does: then
    // they are built once per (frozen) sample label set, and their key is computed once.
    const labelsOnly = expand.labelsOnly;
    const stable = labelsOnly !== undefined && Object.values(r.labels).every((v) => !v.includes('{{') || labelsOnly(v));
    for (const smpl of res) {
      const cacheable = stable && Object.isFrozen(smpl.labels);
      let lb = cacheable ? this.alertLabels.get(smpl.labels) : undefined;
      if (!lb) {
        lb = { ...smpl.labels };
        delete lb.__name__;
        for (const [k, v] of Object.entries(r.labels)) {
          const x = expand(v, smpl);
          // labels.Builder.Set with an empty value deletes the label.
          if (x === '') delete lb[k];
          else lb[k] = x;
        }
        lb.alertname = r.name;
        if (cacheable) this.alertLabels.set(smpl.labels, Object.freeze(lb));
      }
      // Annotations are only read when a test compares alerts: a template that does not query
      // depends on nothing but this sample, so it is rendered then; one that queries reads the
      // store as it is now, so it is rendered now.
      const render = (): Labels => {
        const annotations: Labels = {};
        for (const k of Object.keys(r.annotations)) annotations[k] = expand(r.annotations[k]!, smpl);
        return annotations;
      };
      const h = labelsKey(lb);
      if (fresh.has(h)) throw new Error('vector contains metrics with the same labelset after applying alert labels');
      fresh.set(h, newAlert(lb, this.queries ? frozen(render()) : render, smpl.value, tMs));
    }
    for (const [h, a] of fresh) {
      const old = this.active.get(h);
      if (old && old.state !== 'inactive') {
        old.value = a.value;
        old.renderAnnotations = a.renderAnnotations;
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
    // The same for an alert (whose labels never change), metric and state at every evaluation:
    // built once (frozen), so the store's series and its key are found by object.
    const spec = withState ? `${metric}\x00${a.state}` : metric;
    let byAlert = this.sampleLabels.get(a);
    if (!byAlert) this.sampleLabels.set(a, (byAlert = new Map()));
    let cached = byAlert.get(spec);
    if (!cached) byAlert.set(spec, (cached = Object.freeze(this.sampleLabelsOf(a, metric, withState))));
    return { labels: cached, value };
  }

  private readonly sampleLabels = new WeakMap<Alert, Map<string, Labels>>();

  private sampleLabelsOf(a: Alert, metric: string, withState: boolean): Labels {
    const labels: Labels = {};
    for (const k in this.rule.labels) if (this.rule.labels[k] !== '') labels[k] = this.rule.labels[k]!;
    for (const k in a.labels) labels[k] = a.labels[k]!;
    labels.__name__ = metric;
    labels.alertname = this.rule.name;
    if (withState) labels.alertstate = a.state;
    return labels;
  }

  /** Alerts that are pending or firing (ActiveAlerts: not resolved). */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.resolvedAtMs === 0);
  }
}
