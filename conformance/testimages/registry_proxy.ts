// A front for a test registry that speaks bearer-token auth (with its own /token endpoint) and
// can misbehave on purpose: truncated or corrupted blobs, oversized or schema 1 manifests.
// docker-registry itself only does htpasswd basic auth without a separate token server.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { RegistryCredentials, TestRegistry } from './registry_server';

/** stall-large-blob: blobs over 512 KiB send half their bytes, then hang (for killed pulls).
 *  slow-large-blob: blobs over 512 KiB arrive at about 2.5 MiB/s (for progress displays). */
export type Tamper =
  'truncate-blob' | 'corrupt-blob' | 'huge-manifest' | 'schema1' | 'stall-large-blob' | 'slow-large-blob';

export interface RegistryProxyOptions {
  upstream: TestRegistry;
  /** Demand bearer tokens; the token endpoint checks these basic credentials when set. */
  bearer?: { credentials?: RegistryCredentials; refreshToken?: string };
  tamper?: Tamper;
}

export interface RegistryProxy extends TestRegistry {
  /** A token the proxy accepts as is (for AuthConfig.registry_token). */
  staticToken: string;
  /** "GET /v2/…" for every request served, in order (to count downloads). */
  requests: string[];
}

export async function startRegistryProxy(opts: RegistryProxyOptions): Promise<RegistryProxy> {
  const tokens = new Set<string>();
  const staticToken = randomBytes(16).toString('hex');
  tokens.add(staticToken);
  let base = '';
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${new URL(req.url ?? '/', base).pathname}`);
    handle(req, res).catch((err) => {
      res.statusCode = 502;
      res.end(String(err));
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/token') return issueToken(req, res, opts, tokens);
    if (opts.bearer && !tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
      const scope = /^\/v2\/(.+)\/(manifests|blobs)\//.exec(url.pathname)?.[1];
      res.writeHead(401, {
        'WWW-Authenticate': `Bearer realm="${base}/token",service="corral-test"${scope ? `,scope="repository:${scope}:pull"` : ''}`,
      });
      return void res.end();
    }
    if (opts.tamper === 'huge-manifest' && url.pathname.includes('/manifests/')) return hugeManifest(res);
    if (opts.tamper === 'schema1' && url.pathname.includes('/manifests/')) return schema1(res);
    const upstream = await fetch(`${opts.upstream.url}${url.pathname}${url.search}`, {
      method: req.method,
      headers: { accept: req.headers.accept ?? '*/*' },
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    const tampered = url.pathname.includes('/blobs/') && upstream.ok ? tamperBlob(body, opts.tamper) : body;
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      'content-length': String(tampered.length),
      ...(upstream.headers.get('docker-content-digest')
        ? { 'docker-content-digest': upstream.headers.get('docker-content-digest')! }
        : {}),
    });
    if (opts.tamper === 'stall-large-blob' && url.pathname.includes('/blobs/') && tampered.length > 512 * 1024) {
      return void res.write(tampered.subarray(0, tampered.length >> 1)); // never ends
    }
    if (opts.tamper === 'slow-large-blob' && req.method === 'GET' && tampered.length > 512 * 1024) {
      return sendSlowly(res, tampered);
    }
    res.end(req.method === 'HEAD' ? undefined : tampered);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: base,
    staticToken,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function issueToken(req: IncomingMessage, res: ServerResponse, opts: RegistryProxyOptions, tokens: Set<string>): void {
  const finish = (ok: boolean) => {
    if (!ok) {
      res.writeHead(401);
      return void res.end();
    }
    const token = randomBytes(16).toString('hex');
    tokens.add(token);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.method === 'POST' ? { access_token: token } : { token }));
  };
  if (req.method === 'POST') {
    let form = '';
    req.on('data', (c) => {
      form += c;
    });
    req.on('end', () =>
      finish(
        new URLSearchParams(form).get('refresh_token') === opts.bearer?.refreshToken && !!opts.bearer?.refreshToken,
      ),
    );
    return;
  }
  const creds = opts.bearer?.credentials;
  if (!creds) return finish(true);
  const want = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  finish(req.headers.authorization === want);
}

function tamperBlob(body: Buffer, tamper?: Tamper): Buffer {
  if (tamper === 'truncate-blob') return body.subarray(0, Math.floor(body.length / 2));
  if (tamper === 'corrupt-blob') {
    const copy = Buffer.from(body);
    copy[copy.length - 1] ^= 0xff;
    return copy;
  }
  return body;
}

/** 128 KiB every 50 ms; stops when the client goes away. */
async function sendSlowly(res: ServerResponse, body: Buffer): Promise<void> {
  const piece = 128 * 1024;
  for (let at = 0; at < body.length && !res.destroyed; at += piece) {
    res.write(body.subarray(at, at + piece));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  res.end();
}

function hugeManifest(res: ServerResponse): void {
  const body = Buffer.alloc(5 * 1024 * 1024, ' ');
  res.writeHead(200, {
    'content-type': 'application/vnd.oci.image.manifest.v1+json',
    'content-length': String(body.length),
  });
  res.end(body);
}

function schema1(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' });
  res.end(JSON.stringify({ schemaVersion: 1, name: 'corral-test/busybox', tag: 'latest', fsLayers: [] }));
}
