/** Commands that run obsgen's helper scripts (scripts/*.ts) with this Node and tsx, from any directory. */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `node --import <tsx> <obsgen>/scripts/<name>.ts ...args` as one shell command line. */
export function scriptCommand(name: 'demo-service' | 'webhook-sink', args: string[] = []): string {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const script = fileURLToPath(new URL(`../../../scripts/${name}.ts`, import.meta.url));
  return [process.execPath, '--import', tsx, script, ...args].map(quote).join(' ');
}

/** The demo service listening on the port the runner gives it. */
export const demoServiceCommand = (): string => scriptCommand('demo-service', ['--port', '{port}']);
/** The webhook sink listening on the port the runner gives it. */
export const webhookSinkCommand = (): string => scriptCommand('webhook-sink', ['--port', '{port}']);
