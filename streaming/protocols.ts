// Protocol names of the Kubernetes streaming API and their negotiation (first client choice the
// server also speaks wins, as apimachinery's httpstream.Handshake does).

export const SPDY_UPGRADE = 'SPDY/3.1';
export const HEADER_PROTOCOL_VERSION = 'X-Stream-Protocol-Version';
export const HEADER_ACCEPTED_VERSIONS = 'X-Accepted-Stream-Protocol-Versions';

export const REMOTE_COMMAND_V5 = 'v5.channel.k8s.io';
export const REMOTE_COMMAND_V4 = 'v4.channel.k8s.io';
export const REMOTE_COMMAND_V3 = 'v3.channel.k8s.io';
export const REMOTE_COMMAND_V2 = 'v2.channel.k8s.io';
export const REMOTE_COMMAND_V1 = 'channel.k8s.io';
export const PORT_FORWARD_V1 = 'portforward.k8s.io';

/** Exec/attach over SPDY, in the server's order of preference. */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = [
  REMOTE_COMMAND_V4,
  REMOTE_COMMAND_V3,
  REMOTE_COMMAND_V2,
  REMOTE_COMMAND_V1,
];
/** Exec/attach over WebSocket: v5 adds the close signal that gives stdin a half-close. */
export const WEBSOCKET_REMOTE_COMMAND_PROTOCOLS = [REMOTE_COMMAND_V5, REMOTE_COMMAND_V4, REMOTE_COMMAND_V1];
export const SPDY_PORT_FORWARD_PROTOCOLS = [PORT_FORWARD_V1];

/** Splits comma-separated header values ("a, b" and repeated headers alike). */
export function headerList(value: string | string[] | undefined): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export function negotiate(clientProtocols: string[], serverProtocols: readonly string[]): string | undefined {
  return clientProtocols.find((p) => serverProtocols.includes(p));
}

/** Protocol versions that carry a resize stream (v3 and later). */
export function supportsResize(protocol: string): boolean {
  return protocol !== REMOTE_COMMAND_V2 && protocol !== REMOTE_COMMAND_V1;
}

/** Protocol versions whose error stream carries a JSON metav1.Status (v4 and later). */
export function hasJsonStatus(protocol: string): boolean {
  return protocol === REMOTE_COMMAND_V4 || protocol === REMOTE_COMMAND_V5;
}
