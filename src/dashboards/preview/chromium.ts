/** Headless Chromium screenshots of preview pages (Debian package `chromium`). */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary: $CHROMIUM, or the Debian path. */
export function findChromium(): string | undefined {
  const env = process.env.CHROMIUM;
  if (env && existsSync(env)) return env;
  return CANDIDATES.find((c) => existsSync(c));
}

export interface ScreenshotOptions {
  width: number;
  height: number;
  /** @default 60000 */
  timeoutMs?: number;
  chromium?: string;
}

/** Renders an HTML file to a PNG; a fresh profile each time, killed (by its process group) after the timeout. */
export async function screenshot(htmlFile: string, pngFile: string, o: ScreenshotOptions): Promise<void> {
  const bin = o.chromium ?? findChromium();
  if (!bin) throw new Error('chromium is not installed; run scripts/install-tools.sh chromium');
  const profile = mkdtempSync(join(tmpdir(), 'obsgen-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--window-size=${o.width},${o.height}`,
    `--screenshot=${pngFile}`,
    pathToFileURL(htmlFile).href,
  ];
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 8000) stderr += d.toString();
      });
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
        reject(new Error(`chromium timed out after ${o.timeoutMs ?? 60000} ms`));
      }, o.timeoutMs ?? 60000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0 && existsSync(pngFile)) resolve();
        else reject(new Error(`chromium exited with ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`));
      });
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
