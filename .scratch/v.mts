import { schemaProblems } from '../src/emit/kubernetes/validate.ts';
console.log(schemaProblems({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'a' }, spec: { selector: {}, endpoints: [{ bogus: 1, port: 'x' }] } }));
console.log(schemaProblems({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig', metadata: { name: 'a' }, spec: { receivers: [{ name: 'x', slackConfigs: [{ apiURL: '/run/secrets/x' }] }], route: { receiver: 'x', matchers: [{ name: 'a', matchType: '==', value: 'b' }] } } }));
console.log(schemaProblems({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'a' }, spec: { scheme: 'http', staticConfigs: [{ targets: ['a:1'] }] } }));
