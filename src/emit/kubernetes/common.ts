/** What the prometheus-operator objects share: names, metadata, relabel rules and Secret references. */
import { basename } from 'node:path';
import type { Diagnostics } from '../../core/diagnostics.ts';
import type { RelabelConfig } from '../../core/model.ts';

/** One object of kubernetes/, with the props path it comes from (for errors). */
export interface KubeObject {
  /** File under kubernetes/. */
  file: string;
  object: Record<string, unknown>;
  source: string;
}

/** A DNS-1123 subdomain from free-form parts: lowercase, `-` for anything else, at most 253 characters. */
export function objectName(...parts: string[]): string {
  return parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 253)
    .replace(/[-.]+$/, '');
}

export function metadata(name: string, namespace: string, stack: string, labels: Record<string, string>, annotations?: Record<string, string>): Record<string, unknown> {
  return {
    name,
    namespace,
    labels: { ...labels, 'app.kubernetes.io/managed-by': 'obsgen', 'app.kubernetes.io/part-of': stack },
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  };
}

/** A relabel rule in the operator's spelling (the same camelCase names as obsgen's). */
export function relabelCrd(r: RelabelConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.sourceLabels?.length) out.sourceLabels = r.sourceLabels;
  if (r.separator !== undefined) out.separator = r.separator;
  if (r.regex !== undefined) out.regex = r.regex;
  if (r.targetLabel !== undefined) out.targetLabel = r.targetLabel;
  if (r.replacement !== undefined) out.replacement = r.replacement;
  if (r.action !== undefined) out.action = r.action;
  if (r.modulus !== undefined) out.modulus = r.modulus;
  return out;
}

export interface SecretKeyRef {
  name: string;
  key: string;
}

/**
 * The Secret that holds what the compose bundle reads from files: each file becomes a key
 * named after it (`/run/secrets/pagerduty_routing_key` -> key `pagerduty_routing_key`). The
 * Secret itself is never emitted (it would need the values): kubernetes/SECRETS.md says what to create.
 */
export class CredentialsSecret {
  private readonly keys = new Map<string, { file: string; what: string; source: string }>();
  constructor(
    readonly name: string,
    private readonly diag: Diagnostics,
  ) {}

  /** The key selector for a file, e.g. `{ name: 'shop-credentials', key: 'slack_api_url' }`. */
  ref(file: string, what: string, source: string): SecretKeyRef {
    return { name: this.name, key: this.key(file, what, source) };
  }

  /** A non-secret value the operator still wants from a Secret (a basic-auth username). */
  literal(key: string, what: string, source: string): SecretKeyRef {
    return { name: this.name, key: this.key(`(value) ${key}`, what, source, key) };
  }

  private key(file: string, what: string, source: string, fixed?: string): string {
    const key = fixed ?? (basename(file).replace(/[^-._a-zA-Z0-9]/g, '_') || 'credential');
    const seen = this.keys.get(key);
    if (seen && seen.file !== file) {
      this.diag.error(source, 'kubernetes-secret-key', `${file} and ${seen.file} (at ${seen.source}) would share the key ${JSON.stringify(key)} of Secret ${this.name}`, {
        value: file,
        hint: 'give the two credential files different names (the file name becomes the Secret key)',
      });
    } else if (!seen) this.keys.set(key, { file, what, source });
    return key;
  }

  /** Every key, sorted: what kubernetes/SECRETS.md lists. */
  entries(): { key: string; file: string; what: string }[] {
    return [...this.keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, v]) => ({ key, file: v.file, what: v.what }));
  }
}
