/** A tiny instrumented HTTP service (prom-client) on 127.0.0.1 that serves its own traffic's RED metrics. */
import { createServer, type Server } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RunningApp {
  target: string;
  close(): Promise<void>;
}

export async function startApp(): Promise<RunningApp> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'http_requests_total', help: 'requests', labelNames: ['code'], registers: [registry] });
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'latency', registers: [registry] });
  let n = 0;
  // Synthetic traffic: 20 requests a tick, 1 in 20 a 500, latencies spread over the buckets.
  const timer = setInterval(() => {
    for (let i = 0; i < 20; i++) {
      n++;
      requests.inc({ code: n % 20 === 0 ? '500' : n % 7 === 0 ? '404' : '200' });
      duration.observe(((n * 37) % 100) / 250 + (n % 50 === 0 ? 1.5 : 0));
    }
  }, 100);
  const server: Server = createServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.setHeader('content-type', registry.contentType);
      res.end(await registry.metrics());
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
      }),
  };
}
