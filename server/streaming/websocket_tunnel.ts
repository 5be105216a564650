// PortForward over WebSocket as client-go 1.30+ (and crictl -r websocket) asks for it: the
// subprotocol SPDY/3.1+portforward.k8s.io, each binary message a slice of an ordinary SPDY/3.1
// byte stream (KEP-4006). The SPDY session then runs exactly as over a raw upgrade.
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { SpdySession } from '../../streaming/spdy/session';
import { headerList } from '../../streaming/protocols';
import type { UpgradeRequest } from './spdy_upgrade';
import { rejectUpgrade } from './upgrade_response';

export const PORT_FORWARD_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

// ws refuses this subprotocol name ('/' is not a token character), so the request's offer is
// checked here and removed, and the answer added to the handshake headers ('headers' event).
const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });
server.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${PORT_FORWARD_TUNNEL_PROTOCOL}`));

/** The tunnelled SPDY session, or undefined when the client did not ask for the tunnel (403 sent). */
export async function openSpdyTunnel(up: UpgradeRequest, idleTimeoutMs: number): Promise<SpdySession | undefined> {
  const offered = headerList(up.req.headers['sec-websocket-protocol']);
  if (!offered.includes(PORT_FORWARD_TUNNEL_PROTOCOL)) {
    rejectUpgrade(
      up.socket,
      403,
      `port forwarding over WebSocket needs the ${PORT_FORWARD_TUNNEL_PROTOCOL} subprotocol`,
    );
    return undefined;
  }
  delete up.req.headers['sec-websocket-protocol'];
  const ws = await new Promise<WebSocket>((resolve) => server.handleUpgrade(up.req, up.socket, up.head, resolve));
  const stream = createWebSocketStream(ws, { allowHalfOpen: false });
  stream.on('error', () => undefined);
  return new SpdySession(stream, 'server', { idleTimeoutMs });
}
