/**
 * Records what Alertmanager's webhook receivers POST, for the native stack runner and the
 * e2e test.
 *
 *   node --import tsx scripts/webhook-sink.ts --port 9099 [--host 127.0.0.1]
 *
 * POST <any path>   stores the JSON body (an Alertmanager webhook payload) with the path and
 *                   the time it arrived
 * GET  /received    [{ at, path, payload }, ...] in arrival order
 * DELETE /received  forgets everything
 * GET  /healthz     200
 */
import { createServer } from 'node:http';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0 && process.argv[i + 1]) return process.argv[i + 1]!;
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

const port = Number(arg('port', process.env.PORT ?? '9099'));
const host = arg('host', '127.0.0.1');
const received: { at: string; path: string; payload: unknown }[] = [];

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && url.pathname === '/received') return send(200, received);
  if (req.method === 'GET' && url.pathname === '/healthz') return send(200, { ok: true });
  if (req.method === 'DELETE' && url.pathname === '/received') {
    received.length = 0;
    return send(200, { ok: true });
  }
  if (req.method !== 'POST') return send(405, { error: 'POST a payload, or GET /received' });
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    try {
      received.push({ at: new Date().toISOString(), path: url.pathname, payload: JSON.parse(body) });
      console.log(`received ${url.pathname}: ${body.length} bytes`);
      send(200, { ok: true });
    } catch (e) {
      send(400, { error: (e as Error).message });
    }
  });
});
server.listen(port, host, () => console.log(`webhook-sink listening on http://${host}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
