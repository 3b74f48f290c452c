/** Props of a scrape job as a stack writes it (camelCase, flat), and its zod schema. */
import { z } from 'zod';
import { duration, filePath, labelName, labels, target } from '../core/schema.ts';
import { re2Problem } from '../core/re2.ts';
import { baseUrl } from '../core/url.ts';

export const relabelSchema = z
  .object({
    /** Labels whose values are joined with `separator` and matched against `regex`. */
    sourceLabels: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'is not a label name')).optional(),
    separator: z.string().optional(),
    regex: z.string().optional(),
    targetLabel: z.string().optional(),
    replacement: z.string().optional(),
    /** @default 'replace' */
    action: z
      .enum(['replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase'])
      .optional(),
    modulus: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const bad = r.regex === undefined ? undefined : re2Problem(r.regex);
    if (bad) ctx.addIssue({ code: 'custom', path: ['regex'], input: r.regex, message: `is not a valid regular expression: ${bad}`, params: { hint: 'Prometheus uses RE2 syntax, anchored at both ends' } });
    const action = r.action ?? 'replace';
    if (['replace', 'hashmod', 'lowercase', 'uppercase'].includes(action) && !r.targetLabel) {
      ctx.addIssue({ code: 'custom', path: ['targetLabel'], input: undefined, message: `is required for action ${action}`, params: { hint: 'name the label the result is written to' } });
    }
    if (action === 'hashmod' && !r.modulus) {
      ctx.addIssue({ code: 'custom', path: ['modulus'], input: undefined, message: 'is required for action hashmod', params: { hint: 'set modulus to the number of shards' } });
    }
  });

export type RelabelProps = z.infer<typeof relabelSchema>;

const tlsSchema = z
  .object({
    caFile: filePath.optional(),
    certFile: filePath.optional(),
    keyFile: filePath.optional(),
    serverName: z.string().optional(),
    insecureSkipVerify: z.boolean().optional(),
  })
  .strict();

/** How a Prometheus outside the cluster reaches its API server: URL and credential files (never inline). */
export const kubernetesApiSchema = z
  .object({
    /** The API server, e.g. `https://ABC.gr7.eu-west-1.eks.amazonaws.com`. */
    apiServer: baseUrl.optional(),
    /** Service account token, read from a file. */
    bearerTokenFile: filePath.optional(),
    /** CA of the API server (`caFile`), or a client certificate (`certFile` + `keyFile`). */
    tls: tlsSchema.optional(),
    /** A kubeconfig file instead of the three above. */
    kubeconfigFile: filePath.optional(),
  })
  .strict();

export type KubernetesApiProps = z.infer<typeof kubernetesApiSchema>;

const kubernetesSdSchema = kubernetesApiSchema
  .extend({
    role: z.enum(['pod', 'service', 'endpoints', 'endpointslice', 'node', 'ingress']),
    namespaces: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((sd, ctx) => {
    const issue = (path: string, message: string, hint: string) => ctx.addIssue({ code: 'custom', path: [path], input: (sd as Record<string, unknown>)[path], message, params: { hint } });
    if (sd.kubeconfigFile && (sd.apiServer || sd.bearerTokenFile || sd.tls)) {
      issue('kubeconfigFile', 'kubeconfigFile and apiServer/bearerTokenFile/tls are mutually exclusive', 'the kubeconfig names the server and the credentials: keep one way');
    }
    if (!sd.apiServer && (sd.bearerTokenFile || sd.tls)) {
      issue('apiServer', 'credentials without apiServer', "give apiServer: 'https://<api server>' (in-cluster discovery reads its own service account)");
    }
    if (sd.apiServer && !sd.bearerTokenFile && !(sd.tls?.certFile && sd.tls?.keyFile)) {
      issue('bearerTokenFile', 'apiServer needs credentials', "give bearerTokenFile: '/run/secrets/<token>' or tls: { certFile, keyFile }, and tls.caFile for the server's CA");
    }
    if (sd.tls && !sd.tls.certFile !== !sd.tls.keyFile) {
      issue('tls', 'certFile and keyFile go together', 'give both or neither');
    }
  });

/** A Kubernetes object name (DNS-1123 label): namespaces, port names. */
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'is not a Kubernetes name (lowercase letters, digits and -)').max(63);

/**
 * The job's form under prometheus-operator (the `kubernetes` target), when it is not the one
 * its kubernetesSd implies (role pod: a PodMonitor; endpoints: a ServiceMonitor; both selecting
 * every pod or Service of the namespaces, filtered by the job's relabel rules).
 */
export const kubernetesScrapeSchema = z
  .object({
    kind: z.enum(['ServiceMonitor', 'PodMonitor']),
    /** Namespaces of the Services or pods. @default kubernetesSd.namespaces, else every namespace */
    namespaces: z.array(k8sName).min(1).optional(),
    /** matchLabels of the Services or pods. @default {} (all) */
    selector: z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/, 'is not a Kubernetes label key'), z.string().max(63)).optional(),
    /** Name of the Service port or container port to scrape. @default every port */
    port: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'is not a port name').max(15).optional(),
    /** @default the job's metricsPath */
    path: z.string().startsWith('/').optional(),
    /** Relabel rules in Kubernetes discovery terms, instead of the job's own. @default the job's relabel */
    relabel: z.array(relabelSchema).optional(),
  })
  .strict();

export const scrapeJobShape = z
  .object({
    /** job_name; unique in the stack. */
    name: z.string().regex(/^[a-zA-Z0-9_.:-]+$/, 'is not a usable job name'),
    /** Static targets, host:port. */
    targets: z.array(target).min(1).optional(),
    /** Labels added to the static targets. */
    labels: labels.optional(),
    /** File-based discovery: JSON or YAML target files, watched by Prometheus. */
    fileSd: z.object({ files: z.array(z.string().min(1)).min(1), refreshInterval: duration.optional() }).strict().optional(),
    /**
     * Kubernetes discovery (not compiled into Debian's promtool: obsgen validates these jobs itself).
     * Without `apiServer` or `kubeconfigFile` it is in-cluster discovery, which only a Prometheus
     * running in the cluster can do: the compose bundle leaves such a job out, with a warning.
     */
    kubernetesSd: kubernetesSdSchema.optional(),
    /** The job under prometheus-operator, when its kubernetesSd does not say it (see docs/kubernetes.md). */
    kubernetes: kubernetesScrapeSchema.optional(),
    /** @default the stack's prometheus.scrapeInterval */
    scrapeInterval: duration.optional(),
    /** @default min(10s, scrapeInterval) */
    scrapeTimeout: duration.optional(),
    /** @default '/metrics' */
    metricsPath: z.string().startsWith('/').optional(),
    /** @default 'http' */
    scheme: z.enum(['http', 'https']).optional(),
    params: z.record(z.string(), z.array(z.string())).optional(),
    honorLabels: z.boolean().optional(),
    relabel: z.array(relabelSchema).optional(),
    metricRelabel: z.array(relabelSchema).optional(),
    /** Basic auth with the password read from a file (never inline). */
    basicAuth: z.object({ username: z.string().min(1), passwordFile: filePath }).strict().optional(),
    /** Bearer token read from a file (never inline). */
    bearerTokenFile: filePath.optional(),
    tls: tlsSchema.optional(),
    sampleLimit: z.number().int().nonnegative().optional(),
    /** Catalog key of the exporter behind the job, e.g. `node_exporter`. */
    exporter: z.string().optional(),
  })
  .strict();

export const scrapeJobSchema = scrapeJobShape.superRefine((job, ctx) => {
    const kinds = [job.targets, job.fileSd, job.kubernetesSd, job.kubernetes].filter((x) => x !== undefined).length;
    if (kinds === 0) {
      ctx.addIssue({ code: 'custom', path: ['targets'], input: undefined, message: 'the job has no targets', params: { hint: 'give targets: ["host:port"], fileSd: { files: [...] }, kubernetesSd: { role: "pod" } or kubernetes: { kind: "ServiceMonitor", selector: {...} }' } });
    }
    if (job.labels && !job.targets) {
      ctx.addIssue({ code: 'custom', path: ['labels'], input: job.labels, message: 'labels apply to static targets only', params: { hint: 'use relabel rules to add labels to discovered targets' } });
    }
    if (job.basicAuth && job.bearerTokenFile) {
      ctx.addIssue({ code: 'custom', path: ['bearerTokenFile'], input: job.bearerTokenFile, message: 'basicAuth and bearerTokenFile are mutually exclusive', params: { hint: 'keep one of them' } });
    }
  });

export type ScrapeJobProps = z.input<typeof scrapeJobSchema>;

export { labelName };
