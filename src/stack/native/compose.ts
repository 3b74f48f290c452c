/** Reads the parts of a docker-compose.yml the native runner needs. */
import { parse } from 'yaml';

export interface Mount {
  /** Bind mount: path relative to the compose file (or absolute); named volume: its name. */
  source: string;
  target: string;
  bind: boolean;
  readOnly: boolean;
}

export interface ComposeService {
  name: string;
  image: string;
  command: string[];
  environment: Record<string, string>;
  mounts: Mount[];
  /** Container ports published (`127.0.0.1:9090:9090` -> 9090). */
  containerPorts: number[];
  secrets: string[];
}

export interface ComposeFile {
  services: ComposeService[];
  /** secret name -> file (relative to the compose file). */
  secrets: Record<string, string>;
}

function asStringArray(v: unknown): string[] {
  if (v == null) return [];
  if (typeof v === 'string') return v.split(/\s+/).filter(Boolean);
  if (Array.isArray(v)) return v.map(String);
  return [];
}

function environment(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = String(item);
      const eq = s.indexOf('=');
      if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else if (v && typeof v === 'object') {
    for (const [k, val] of Object.entries(v)) out[k] = val == null ? '' : String(val);
  }
  return out;
}

function mount(v: unknown): Mount | undefined {
  if (typeof v === 'string') {
    const parts = v.split(':');
    if (parts.length < 2) return undefined;
    const [source, target, mode] = parts as [string, string, string | undefined];
    return { source, target, bind: /^[./~]/.test(source), readOnly: mode === 'ro' };
  }
  if (v && typeof v === 'object') {
    const o = v as { type?: string; source?: string; target?: string; read_only?: boolean };
    if (!o.source || !o.target) return undefined;
    return { source: o.source, target: o.target, bind: o.type === 'bind' || /^[./~]/.test(o.source), readOnly: !!o.read_only };
  }
  return undefined;
}

function containerPort(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const last = v.split(':').at(-1)!.split('/')[0]!;
    const n = Number(last);
    return Number.isInteger(n) ? n : undefined;
  }
  if (v && typeof v === 'object' && 'target' in v) return Number((v as { target: unknown }).target);
  return undefined;
}

export function parseCompose(text: string): ComposeFile {
  const doc = (parse(text) ?? {}) as { services?: Record<string, Record<string, unknown>>; secrets?: Record<string, { file?: string }> };
  const services: ComposeService[] = [];
  for (const [name, s] of Object.entries(doc.services ?? {})) {
    services.push({
      name,
      image: String(s.image ?? ''),
      command: asStringArray(s.command),
      environment: environment(s.environment),
      mounts: ((s.volumes as unknown[]) ?? []).map(mount).filter((m): m is Mount => !!m),
      containerPorts: ((s.ports as unknown[]) ?? []).map(containerPort).filter((p): p is number => p !== undefined),
      secrets: ((s.secrets as unknown[]) ?? []).map((x) => (typeof x === 'string' ? x : String((x as { source?: string }).source ?? ''))),
    });
  }
  const secrets: Record<string, string> = {};
  for (const [name, s] of Object.entries(doc.secrets ?? {})) if (s?.file) secrets[name] = s.file;
  return { services, secrets };
}
