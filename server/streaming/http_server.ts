// The streaming HTTP server: /exec/<token>, /attach/<token> and /portforward/<token>. The token
// names a request cached by the Exec/Attach/PortForward RPC; the session's options come from
// that request, never from the URL. Unknown, reused or expired tokens get 404.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { moduleLogger } from '../../runtime/log';
import type { StreamingBackend } from '../../runtime/streaming/contract';
import type { RemoteCommandChannels } from './channels';
import { ConnectionLimit, type ConnectionLimitSettings } from './connection_limit';
import { runPortForward, servePortForward } from './port_forward';
import { runAttach, runExec } from './remote_command';
import type { RequestCache, StreamingRequest } from './request_cache';
import { openSpdyChannels, type ChannelTimeouts } from './spdy_channels';
import { isWebSocketUpgrade, type UpgradeRequest } from './spdy_upgrade';
import { rejectUpgrade } from './upgrade_response';

const log = moduleLogger('streaming');

const ROUTE = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]{1,64})$/;
/** Request headers beyond this are refused by Node's parser with 431. */
const MAX_HEADER_BYTES = 8 * 1024;

export interface StreamingServerSettings extends ChannelTimeouts, ConnectionLimitSettings {
  address: string;
  port: number;
}

export class StreamingServer {
  private readonly server: http.Server;
  private readonly sockets = new Set<Duplex>();
  private readonly limit: ConnectionLimit;

  constructor(
    private readonly cache: RequestCache,
    private readonly backend: StreamingBackend,
    private readonly settings: StreamingServerSettings,
  ) {
    this.limit = new ConnectionLimit(settings);
    this.server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => this.onPlainRequest(req, res));
    this.server.on('connection', (socket: Socket) => this.limit.admit(socket));
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade({ req, socket, head }),
    );
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) =>
      err.code === 'HPE_HEADER_OVERFLOW'
        ? rejectUpgrade(socket, 431, 'request headers too large')
        : rejectUpgrade(socket, 400, 'bad request'),
    );
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.settings.port, this.settings.address, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    log.info('streaming server listening', { url: this.baseUrl });
  }

  /** http://address:port, as the URLs handed to clients start. */
  get baseUrl(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Exec, attach and port-forward sessions open now. */
  get sessionCount(): number {
    return this.sockets.size;
  }

  /** Stops listening and ends every open session (their processes are ended by the sessions). */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  /** Sockets held now (sessions and sockets still sending their request). */
  get openConnections(): number {
    return this.limit.open;
  }

  private onPlainRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    // One request per socket: a kept-alive socket would idle outside the request timeout.
    res.shouldKeepAlive = false;
    this.limit.requestSeen(req.socket);
    const found = this.takeRequest(req.url ?? '');
    res.writeHead(found ? 400 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(found ? 'unable to upgrade: missing upgrade headers in request\n' : 'not found\n');
  }

  private onUpgrade(up: UpgradeRequest): void {
    this.limit.requestSeen(up.socket as Socket);
    const request = this.takeRequest(up.req.url ?? '');
    if (!request) {
      rejectUpgrade(up.socket, 404, 'not found');
      return;
    }
    this.sockets.add(up.socket);
    up.socket.once('close', () => this.sockets.delete(up.socket));
    up.socket.on('error', () => undefined);
    this.serve(up, request).catch((err) => {
      log.error('streaming session failed', { kind: request.kind, error: (err as Error).message });
      up.socket.destroy();
    });
  }

  private async serve(up: UpgradeRequest, request: StreamingRequest): Promise<void> {
    if (request.kind === 'portforward') {
      if (!isWebSocketUpgrade(up.req)) {
        await runPortForward(up, this.backend, request.podSandboxId, this.settings, log);
        return;
      }
      const { openSpdyTunnel } = await import('./websocket_tunnel');
      const session = await openSpdyTunnel(up, this.settings.idleTimeoutMs);
      if (session) await servePortForward(session, this.backend, request.podSandboxId, this.settings, log);
      return;
    }
    const channels = await this.openChannels(up, request.options);
    if (!channels) return;
    void channels.closed.then((err) => {
      if (err) log.info('streaming client went away', { kind: request.kind, error: err.message });
    });
    if (request.kind === 'exec') await runExec(channels, this.backend, request.containerId, request.options, log);
    else await runAttach(channels, this.backend, request.containerId, request.options, log);
  }

  /** ws (~10 MiB) loads on the first WebSocket session, not at start: many nodes never stream. */
  private async openChannels(
    up: UpgradeRequest,
    options: Extract<StreamingRequest, { options: unknown }>['options'],
  ): Promise<RemoteCommandChannels | undefined> {
    if (!isWebSocketUpgrade(up.req)) return openSpdyChannels(up, options, this.settings);
    const { openWebSocketChannels } = await import('./websocket_channels');
    return openWebSocketChannels(up, options, this.settings.idleTimeoutMs);
  }

  private takeRequest(url: string): StreamingRequest | undefined {
    const match = ROUTE.exec(url.split('?')[0]);
    if (!match) return undefined;
    const request = this.cache.consume(match[2]);
    return request && request.kind === match[1] ? request : undefined;
  }
}
