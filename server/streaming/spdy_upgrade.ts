// Turning an HTTP request into a SPDY/3.1 connection the way kubelet's streaming server does:
// negotiate X-Stream-Protocol-Version first (400 when absent, 403 with the accepted list when
// nothing matches), then require the SPDY upgrade headers and answer 101.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SpdySession, type SpdySessionOptions } from '../../streaming/spdy/session';
import {
  HEADER_ACCEPTED_VERSIONS,
  HEADER_PROTOCOL_VERSION,
  SPDY_UPGRADE,
  headerList,
  negotiate,
} from '../../streaming/protocols';
import { rejectUpgrade, writeSwitchingProtocols } from './upgrade_response';

export interface UpgradeRequest {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

export interface SpdyUpgrade {
  session: SpdySession;
  protocol: string;
}

/** The upgraded session, or undefined when the request was refused (the client got the reason). */
export function upgradeToSpdy(
  up: UpgradeRequest,
  protocols: readonly string[],
  options: SpdySessionOptions,
): SpdyUpgrade | undefined {
  const offered = headerList(up.req.headers[HEADER_PROTOCOL_VERSION.toLowerCase()]);
  if (offered.length === 0) {
    rejectUpgrade(up.socket, 400, `unable to upgrade: ${HEADER_PROTOCOL_VERSION} is required`);
    return undefined;
  }
  const protocol = negotiate(offered, protocols);
  if (!protocol) {
    rejectUpgrade(
      up.socket,
      403,
      `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${protocols.join(' ')}]`,
      protocols.map((p) => [HEADER_ACCEPTED_VERSIONS, p]),
    );
    return undefined;
  }
  if (!isSpdyUpgrade(up.req)) {
    rejectUpgrade(up.socket, 400, 'unable to upgrade: missing upgrade headers in request');
    return undefined;
  }
  writeSwitchingProtocols(up.socket, [
    ['Connection', 'Upgrade'],
    ['Upgrade', SPDY_UPGRADE],
    [HEADER_PROTOCOL_VERSION, protocol],
  ]);
  if (up.head.length > 0) up.socket.unshift(up.head);
  return { session: new SpdySession(up.socket, 'server', options), protocol };
}

function isSpdyUpgrade(req: IncomingMessage): boolean {
  const connection = (req.headers.connection ?? '').toLowerCase();
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  return connection.includes('upgrade') && upgrade.includes(SPDY_UPGRADE.toLowerCase());
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const connection = (req.headers.connection ?? '').toLowerCase();
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket' && /(^|,)\s*upgrade\s*(,|$)/.test(connection);
}
