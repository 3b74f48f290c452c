/**
 * A stand-in for an HTTP service, for the native stack runner and the e2e test: real
 * prom-client metrics, behaviour set at runtime.
 *
 *   node --import tsx scripts/demo-service.ts --port 8000 [--host 127.0.0.1] [--code-label code]
 *
 * GET  /            a request: answers 200, or 500 for the configured share of requests,
 *                   after the configured latency; counted in http_requests_total{method,route,code}
 *                   and http_request_duration_seconds (buckets include 0.3 and 2.5)
 *
 * The status code label is `code` (the Prometheus convention and httpService's default
 * metrics.codeLabel), or --code-label / $OBSGEN_CODE_LABEL: the stack runner sets the latter to
 * the label the bundle's rules match on for the job the service stands in for, so that a stack
 * declaring `codeLabel: 'status'` sees the demo's errors too.
 * GET  /metrics     Prometheus exposition (not counted)
 * GET  /control     the current settings
 * POST /control     {"errorRate": 0.2, "latencyMs": 50}: errorRate in [0, 1] (deterministic:
 *                   exactly that share of requests fail), latencyMs >= 0
 * GET  /healthz     200 (not counted)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0 && process.argv[i + 1]) return process.argv[i + 1]!;
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

const port = Number(arg('port', process.env.PORT ?? '8000'));
const host = arg('host', '127.0.0.1');
const codeLabel = arg('code-label', process.env.OBSGEN_CODE_LABEL || 'code');
if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(codeLabel) || codeLabel.startsWith('__') || codeLabel === 'method' || codeLabel === 'route') {
  console.error(`demo-service: --code-label ${JSON.stringify(codeLabel)} is not a usable label name (not method or route; [a-zA-Z_][a-zA-Z0-9_]*)`);
  process.exit(2);
}

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route and status code.',
  labelNames: ['method', 'route', codeLabel],
  registers: [registry],
});
const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency in seconds.',
  labelNames: ['method', 'route'] as const,
  // prom-client's defaults plus 0.3 (a latency SLO threshold); 2.5 is among the defaults.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const settings = { errorRate: 0, latencyMs: 0 };
let served = 0;
let failed = 0;

/** Deterministic error share: fail request n when floor(n * rate) steps up. */
function shouldFail(): boolean {
  served++;
  const due = Math.floor(served * settings.errorRate);
  if (due > failed) {
    failed = due;
    return true;
  }
  return false;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((res, rej) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => res(s));
    req.on('error', rej);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  try {
    if (url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
      return;
    }
    if (url.pathname === '/healthz') return json(res, 200, { ok: true });
    if (url.pathname === '/control') {
      if (req.method === 'POST') {
        const body = JSON.parse((await readBody(req)) || '{}') as { errorRate?: unknown; latencyMs?: unknown };
        if (body.errorRate !== undefined) {
          const r = Number(body.errorRate);
          if (!(r >= 0 && r <= 1)) return json(res, 400, { error: 'errorRate must be a number in [0, 1]' });
          settings.errorRate = r;
          served = 0;
          failed = 0;
        }
        if (body.latencyMs !== undefined) {
          const l = Number(body.latencyMs);
          if (!(l >= 0)) return json(res, 400, { error: 'latencyMs must be a number >= 0' });
          settings.latencyMs = l;
        }
      }
      return json(res, 200, settings);
    }
    const end = duration.startTimer({ method: req.method ?? 'GET', route: '/' });
    if (settings.latencyMs > 0) await new Promise((r) => setTimeout(r, settings.latencyMs));
    const status = shouldFail() ? 500 : 200;
    requests.inc({ method: req.method ?? 'GET', route: '/', [codeLabel]: String(status) });
    end();
    json(res, status, { status });
  } catch (e) {
    json(res, 400, { error: (e as Error).message });
  }
});
server.keepAliveTimeout = 30_000;
server.listen(port, host, () => console.log(`demo-service listening on http://${host}:${port} (status code label ${codeLabel})`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
