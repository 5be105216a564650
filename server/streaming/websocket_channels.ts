// Exec/attach over WebSocket: every binary message starts with its channel number (0 stdin,
// 1 stdout, 2 stderr, 3 error, 4 resize). v5 adds channel 255, "close": [255, n] half-closes
// channel n, which is how a WebSocket client ends stdin.
import { Readable, Writable } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { StdioOptions, TerminalSize } from '../../runtime/streaming/contract';
import type { RemoteCommandChannels } from './channels';
import { encodeOutcome, type CommandOutcome } from './exec_status';
import {
  REMOTE_COMMAND_V1,
  REMOTE_COMMAND_V5,
  WEBSOCKET_REMOTE_COMMAND_PROTOCOLS,
  headerList,
  negotiate,
} from '../../streaming/protocols';
import { parseTerminalSize } from './resize_decoder';
import type { UpgradeRequest } from './spdy_upgrade';
import { rejectUpgrade } from './upgrade_response';

enum Channel {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Error = 3,
  Resize = 4,
  Close = 255,
}

/** Largest message a client may send (stdin arrives in copy-buffer sized pieces). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

const server = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  maxPayload: MAX_MESSAGE_BYTES,
  handleProtocols: (offered: Set<string>) => negotiate([...offered], WEBSOCKET_REMOTE_COMMAND_PROTOCOLS) ?? false,
});

export async function openWebSocketChannels(
  up: UpgradeRequest,
  options: StdioOptions,
  idleTimeoutMs: number,
): Promise<RemoteCommandChannels | undefined> {
  const offered = headerList(up.req.headers['sec-websocket-protocol']);
  const protocol = offered.length === 0 ? REMOTE_COMMAND_V1 : negotiate(offered, WEBSOCKET_REMOTE_COMMAND_PROTOCOLS);
  if (!protocol) {
    rejectUpgrade(
      up.socket,
      403,
      `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${WEBSOCKET_REMOTE_COMMAND_PROTOCOLS.join(' ')}]`,
    );
    return undefined;
  }
  const ws = await new Promise<WebSocket>((resolve) => server.handleUpgrade(up.req, up.socket, up.head, resolve));
  return new WebSocketChannels(ws, protocol, options, idleTimeoutMs);
}

class WebSocketChannels implements RemoteCommandChannels {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  readonly closed: Promise<Error | undefined>;
  private readonly idleTimer?: NodeJS.Timeout;
  private resizeListener?: (size: TerminalSize) => void;

  constructor(
    private readonly ws: WebSocket,
    private readonly protocol: string,
    options: StdioOptions,
    idleTimeoutMs: number,
  ) {
    if (options.stdin) this.stdin = new Readable({ read: () => this.socket()?.resume() });
    if (options.stdout) this.stdout = this.outputChannel(Channel.Stdout);
    if (options.stderr && !options.tty) this.stderr = this.outputChannel(Channel.Stderr);
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        if (this.idleTimer) clearTimeout(this.idleTimer);
        this.stdin?.push(null);
        resolve(
          code === 1000 || code === 1005 ? undefined : new Error(`websocket closed: ${code} ${reason.toString()}`),
        );
      });
    });
    ws.on('error', () => {
      /* 'close' follows */
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data as Buffer, isBinary));
    if (idleTimeoutMs > 0) this.idleTimer = setTimeout(() => ws.terminate(), idleTimeoutMs);
    // As kubelet: an empty message on the lowest writable channel tells the client we are ready.
    this.send(
      options.stdout ? Channel.Stdout : options.stderr && !options.tty ? Channel.Stderr : Channel.Error,
      Buffer.alloc(0),
    );
  }

  onResize(listener: (size: TerminalSize) => void): void {
    this.resizeListener = listener;
  }

  async writeOutcome(outcome: CommandOutcome): Promise<void> {
    const bytes = encodeOutcome(outcome, this.protocol);
    if (bytes) await new Promise<void>((resolve) => this.send(Channel.Error, bytes, () => resolve()));
  }

  close(): void {
    this.ws.close(1000);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.idleTimer?.refresh();
    if (!isBinary) {
      this.ws.close(1003, 'binary messages only');
      return;
    }
    if (data.length === 0) return;
    const payload = data.subarray(1);
    // The wire byte may be no Channel member at all: those fall to default.
    switch (data[0] as Channel) {
      case Channel.Stdin:
        if (this.stdin && !this.stdin.readableEnded && !this.stdin.push(payload)) this.socket()?.pause();
        return;
      case Channel.Resize: {
        const size = parseTerminalSize(payload.toString('utf8'));
        if (!size) {
          this.ws.close(1007, 'malformed resize message');
          return;
        }
        this.resizeListener?.(size);
        return;
      }
      case Channel.Close:
        if (this.protocol === REMOTE_COMMAND_V5 && (payload[0] as Channel) === Channel.Stdin) this.stdin?.push(null);
        return;
      case Channel.Stdout:
      case Channel.Stderr:
      case Channel.Error:
      default:
        return; // kubelet ignores messages for channels it does not read
    }
  }

  private outputChannel(channel: Channel): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => this.send(channel, chunk, done),
    });
  }

  private send(channel: Channel, payload: Buffer, done?: (err?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      done?.(new Error('websocket closed'));
      return;
    }
    this.idleTimer?.refresh();
    this.ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true }, (err) => done?.(err ?? null));
  }

  /** The TCP socket under the WebSocket, to pause reading while stdin's consumer is full. */
  private socket(): { pause(): void; resume(): void } | undefined {
    return (this.ws as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
  }
}
