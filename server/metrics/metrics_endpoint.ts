// The Prometheus endpoint: GET /metrics in the text exposition format, on the configured
// HOST:PORT. Scrapers are few: the server takes a handful of connections, and a client that does
// not finish its request in a few seconds is cut off, so a local user cannot hold fds here.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '../../runtime/errors';
import { moduleLogger } from '../../runtime/log';
import type { DaemonMetrics } from './daemon_metrics';

const log = moduleLogger('metrics');
const MAX_CONNECTIONS = 16;
const REQUEST_TIMEOUT_MS = 5_000;

export class MetricsEndpoint {
  private constructor(private readonly server: http.Server) {}

  static async start(address: string, metrics: DaemonMetrics): Promise<MetricsEndpoint> {
    const { host, port } = parseHostPort(address);
    const server = http.createServer((req, res) => void serve(metrics, req, res));
    server.maxConnections = MAX_CONNECTIONS;
    server.headersTimeout = REQUEST_TIMEOUT_MS;
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.keepAliveTimeout = REQUEST_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const endpoint = new MetricsEndpoint(server);
    log.info('metrics endpoint listening', { url: endpoint.url });
    return endpoint;
  }

  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}/metrics`;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

async function serve(metrics: DaemonMetrics, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(path === '/metrics' ? 405 : 404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  try {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : body);
  } catch (err) {
    log.warn('metrics scrape failed', { error: (err as Error).message });
    res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
  }
}

/** "127.0.0.1:1338", "[::1]:1338" or ":1338" (every address). */
export function parseHostPort(address: string): { host?: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535)
    throw new InvalidArgumentError(`metrics address ${JSON.stringify(address)}: want HOST:PORT`);
  return { host: match[1] ?? (match[2] || undefined), port };
}
