// The client side of portforward.k8s.io: one SPDY session, and per forwarded connection an
// error stream and a data stream tagged with the port and a request id.
import type { Duplex } from 'node:stream';
import { PORT_FORWARD_V1 } from '../protocols';
import type { SpdySession } from '../spdy/session';
import { dialSpdy } from './spdy_dial';

export async function openPortForward(url: string): Promise<SpdySession> {
  return (await dialSpdy(url, [PORT_FORWARD_V1])).session;
}

/** Carries `local` to `port` in the pod; resolves with the error stream's text (empty when fine). */
export async function forwardConnection(
  session: SpdySession,
  port: number,
  requestId: number,
  local: Duplex,
): Promise<string> {
  const headers = (type: string) =>
    new Map([
      ['streamtype', type],
      ['port', String(port)],
      ['requestid', String(requestId)],
    ]);
  const error = await session.openStream(headers('error'));
  error.end();
  const errorText = new Promise<string>((resolve) => {
    let text = '';
    error.on('data', (c: Buffer) => {
      text += c.toString('utf8');
    });
    error.once('close', () => resolve(text));
    error.once('end', () => resolve(text));
  });
  const data = await session.openStream(headers('data'));
  data.on('error', () => local.destroy());
  local.on('error', () => data.destroy());
  local.pipe(data);
  data.pipe(local);
  return errorText;
}
