import { defineStack, slo, synth } from '../src/index.ts';
import { stringify } from 'yaml';
const slos = [0,1].map((s) => slo({ service: `svc${s}`, name: 'availability', objective: 99.9, window: '30d', reportingWindows: ['7d'],
  sli: { events: { bad: `http_requests_total{service="svc${s}",code=~"5.."}`, total: `http_requests_total{service="svc${s}"}` } }, dashboard: false }));
const b = synth(defineStack({ name: 'x', prometheus: { scrapeInterval: '1m', evaluationInterval: '15s', selfMonitoring: false }, slos, alerting: { receivers: {}, defaultInhibitRules: false } }));
for (const g of b.ruleGroups) console.log(stringify({ name: g.name, interval: g.interval, rules: g.rules.map((r: any) => ({ [r.kind]: r.name, expr: r.expr, labels: r.labels, for: r.for })) }));
