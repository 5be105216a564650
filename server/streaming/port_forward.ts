// PortForward over SPDY (portforward.k8s.io): for each forwarded connection the client opens an
// error stream and a data stream carrying the same requestID and port headers; the data stream
// becomes a TCP connection to that port inside the pod, the error stream reports failures.
import type { Duplex } from 'node:stream';
import type { Logger } from '../../runtime/log';
import type { StreamingBackend } from '../../runtime/streaming/contract';
import { SPDY_PORT_FORWARD_PROTOCOLS } from '../../streaming/protocols';
import type { SpdySession } from '../../streaming/spdy/session';
import type { SpdyStream } from '../../streaming/spdy/stream';
import { upgradeToSpdy, type UpgradeRequest } from './spdy_upgrade';
import type { ChannelTimeouts } from './spdy_channels';

interface StreamPair {
  requestId: string;
  port: number;
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** PortForward over a SPDY/3.1 upgrade. */
export async function runPortForward(
  up: UpgradeRequest,
  backend: StreamingBackend,
  podSandboxId: string,
  timeouts: ChannelTimeouts,
  log: Logger,
): Promise<void> {
  const upgraded = upgradeToSpdy(up, SPDY_PORT_FORWARD_PROTOCOLS, {
    idleTimeoutMs: timeouts.idleTimeoutMs,
    writeStallTimeoutMs: timeouts.writeStallTimeoutMs,
  });
  if (upgraded) await servePortForward(upgraded.session, backend, podSandboxId, timeouts, log);
}

/** Serves one port-forward session, whatever carries its SPDY frames (a socket or a WebSocket tunnel). */
export async function servePortForward(
  session: SpdySession,
  backend: StreamingBackend,
  podSandboxId: string,
  timeouts: ChannelTimeouts,
  log: Logger,
): Promise<void> {
  const pairs = new Map<string, StreamPair>();
  const connections = new Set<Duplex>();
  const forward = (pair: StreamPair) => void forwardPair(pair, backend, podSandboxId, connections, log);
  session.on('stream', (stream: SpdyStream) =>
    onStream(session, stream, pairs, timeouts.streamCreationTimeoutMs, forward),
  );
  const err = await new Promise<Error | undefined>((resolve) => session.once('close', resolve));
  for (const pair of pairs.values()) clearTimeout(pair.timer);
  for (const connection of connections) connection.destroy();
  if (err) log.info('port forward session ended', { podSandboxId, error: err.message });
}

function onStream(
  session: SpdySession,
  stream: SpdyStream,
  pairs: Map<string, StreamPair>,
  creationTimeoutMs: number,
  forward: (pair: StreamPair) => void,
): void {
  const port = Number(stream.header('port'));
  const type = stream.header('streamtype');
  if (!Number.isInteger(port) || port < 1 || port > 65535 || (type !== 'data' && type !== 'error')) {
    session.reject(stream);
    return;
  }
  session.accept(stream);
  stream.on('error', () => undefined);
  const requestId = stream.header('requestid') ?? legacyRequestId(stream.id, type);
  let pair = pairs.get(requestId);
  if (!pair) {
    const created: StreamPair = {
      requestId,
      port,
      timer: setTimeout(() => abandon(created, pairs, 'timed out waiting for streams'), creationTimeoutMs),
    };
    pairs.set(requestId, created);
    pair = created;
  }
  if (pair[type]) {
    failPair(pair, `error processing stream for request ${requestId}: ${type} stream already assigned`);
    stream.destroy();
    return;
  }
  pair[type] = stream;
  if (pair.data && pair.error) {
    clearTimeout(pair.timer);
    pairs.delete(requestId);
    forward(pair);
  }
}

/** Old clients send no requestID: kubelet pairs error stream n with data stream n+2. */
function legacyRequestId(streamId: number, type: 'data' | 'error'): string {
  return String(type === 'error' ? streamId : streamId - 2);
}

function abandon(pair: StreamPair, pairs: Map<string, StreamPair>, why: string): void {
  pairs.delete(pair.requestId);
  failPair(pair, `(request ${pair.requestId}) ${why}`);
  pair.data?.destroy();
}

/** Ends the error stream (the client waits for its EOF), with a message when something failed. */
function failPair(pair: StreamPair, message?: string): void {
  if (!pair.error || pair.error.writableEnded) return;
  if (message) pair.error.end(message);
  else pair.error.end();
}

async function forwardPair(
  pair: StreamPair,
  backend: StreamingBackend,
  podSandboxId: string,
  connections: Set<Duplex>,
  log: Logger,
): Promise<void> {
  const data = pair.data as SpdyStream;
  let connection: Duplex;
  try {
    connection = await backend.portForward(podSandboxId, pair.port);
  } catch (err) {
    failPair(pair, `error forwarding port ${pair.port} to pod ${podSandboxId}: ${(err as Error).message}`);
    data.end();
    return;
  }
  if (data.destroyed) {
    connection.destroy();
    return;
  }
  connections.add(connection);
  connection.on('error', (err) => {
    log.debug('port forward connection failed', { port: pair.port, error: err.message });
    failPair(pair, `error forwarding port ${pair.port} to pod ${podSandboxId}: ${err.message}`);
    data.destroy();
  });
  connection.once('close', () => {
    connections.delete(connection);
    if (!data.writableEnded) data.end();
    failPair(pair);
  });
  // A reset data stream (not a clean FIN) drops the connection at once.
  data.once('close', () => {
    if (!data.readableEnded) connection.destroy();
  });
  // Half-closes travel both ways: the client's FIN ends our write side to the port, and the
  // port's EOF becomes a FIN on the data stream.
  data.pipe(connection);
  connection.pipe(data);
  connection.once('end', () => failPair(pair));
}
