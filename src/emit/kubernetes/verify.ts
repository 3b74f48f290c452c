/**
 * The real tools on the emitted objects, not only on the compose files they mirror: the
 * groups of every PrometheusRule through `promtool check rules`, and the alertmanager.yaml of
 * the 'secret' mode through `amtool check-config`. Copies go to a temp folder, never the bundle.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { toYaml } from '../yaml.ts';
import { standInUrlFiles } from '../amtoolcompat.ts';
import { KUBERNETES_DIR } from './index.ts';

type Run = (cmd: string, args: string[], cwd: string) => { ok: boolean; output: string };
interface ToolRun {
  tool: string;
  ok: boolean;
  output: string;
}

/** The Kubernetes target's objects of one kind, by file, sorted. */
export function objectsOfKind(dir: string, kind: string): { file: string; object: Record<string, unknown> }[] {
  const k8s = join(dir, KUBERNETES_DIR);
  if (!existsSync(k8s)) return [];
  return readdirSync(k8s)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .map((f) => ({ file: f, object: parse(readFileSync(join(k8s, f), 'utf8')) as Record<string, unknown> }))
    .filter((o) => o.object?.kind === kind);
}

function withTemp<T>(fn: (tmp: string) => T): T {
  const tmp = mkdtempSync(join(tmpdir(), 'obsgen-k8s-verify-'));
  try {
    return fn(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function verifyKubernetesRules(dir: string, run: Run): ToolRun[] {
  const rules = objectsOfKind(dir, 'PrometheusRule');
  if (!rules.length) return [];
  return withTemp((tmp) => {
    const files = rules.map((r) => {
      const f = r.file.replace(/\.yaml$/, '.rules.yml');
      writeFileSync(join(tmp, f), toYaml((r.object as { spec: unknown }).spec));
      return f;
    });
    return [{ tool: 'promtool check rules (PrometheusRule spec)', ...run('promtool', ['check', 'rules', '--lint=duplicate-rules', '--lint-fatal', ...files], tmp) }];
  });
}

export function verifyKubernetesAlertmanager(dir: string, run: Run): ToolRun[] {
  const secrets = objectsOfKind(dir, 'Secret').filter((s) => typeof (s.object.stringData as Record<string, unknown> | undefined)?.['alertmanager.yaml'] === 'string');
  return secrets.map((s) =>
    withTemp((tmp) => {
      const config = parse((s.object.stringData as Record<string, string>)['alertmanager.yaml']!) as Parameters<typeof standInUrlFiles>[0];
      standInUrlFiles(config);
      writeFileSync(join(tmp, 'alertmanager.yaml'), toYaml(config));
      return { tool: `amtool check-config (${s.file})`, ...run('amtool', ['check-config', 'alertmanager.yaml'], tmp) };
    }),
  );
}
