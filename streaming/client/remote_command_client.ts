// The client side of exec/attach over SPDY (v4.channel.k8s.io family): open the streams, copy
// stdio, send terminal sizes, and read the outcome from the error stream.
import type { Readable, Writable } from 'node:stream';
import type { TerminalSize } from '../terminal_size';
import { SPDY_REMOTE_COMMAND_PROTOCOLS, hasJsonStatus } from '../protocols';
import type { SpdyStream } from '../spdy/stream';
import { dialSpdy } from './spdy_dial';

export interface RemoteCommandIo {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  /** Called with a function that sends a terminal size (tty only), e.g. wired to SIGWINCH. */
  onResizer?: (send: (size: TerminalSize) => void) => void;
  protocols?: string[];
}

export interface RemoteCommandResult {
  exitCode: number;
  protocol: string;
  message?: string;
}

/** Runs the session to its end; the exit code comes from the error stream's status. */
export async function runRemoteCommand(url: string, io: RemoteCommandIo): Promise<RemoteCommandResult> {
  const { session, protocol } = await dialSpdy(url, io.protocols ?? SPDY_REMOTE_COMMAND_PROTOCOLS);
  try {
    const open = (type: string) => session.openStream(new Map([['streamtype', type]]));
    const error = await open('error');
    error.end();
    const errorText = readAll(error);
    const stdin = io.stdin ? await open('stdin') : undefined;
    const stdout = io.stdout ? await open('stdout') : undefined;
    const stderr = io.stderr && !io.tty ? await open('stderr') : undefined;
    const resize = io.tty && io.onResizer ? await open('resize') : undefined;
    if (resize) io.onResizer?.((size) => resize.write(JSON.stringify({ Width: size.width, Height: size.height })));
    if (stdin && io.stdin) io.stdin.pipe(stdin);
    const outputs = [copyOut(stdout, io.stdout), copyOut(stderr, io.stderr)];
    const text = await errorText;
    await Promise.all(outputs);
    if (io.stdin && stdin) io.stdin.unpipe(stdin);
    return { protocol, ...outcomeOf(text, protocol) };
  } finally {
    session.close();
  }
}

function readAll(stream: SpdyStream): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function copyOut(from: SpdyStream | undefined, to: Writable | undefined): Promise<void> {
  if (!from || !to) return Promise.resolve();
  return new Promise((resolve) => {
    from.on('data', (c: Buffer) => to.write(c));
    from.once('end', () => resolve());
    from.once('close', () => resolve());
  });
}

/** Reads a v4 metav1.Status (exit code from the ExitCode cause) or an older plain message. */
export function outcomeOf(text: string, protocol: string): { exitCode: number; message?: string } {
  if (!hasJsonStatus(protocol)) return text ? { exitCode: 1, message: text } : { exitCode: 0 };
  if (!text) return { exitCode: 0 };
  const status = JSON.parse(text) as {
    status?: string;
    reason?: string;
    message?: string;
    details?: { causes?: Array<{ reason?: string; message?: string }> };
  };
  if (status.status === 'Success') return { exitCode: 0 };
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    return { exitCode: Number(cause?.message ?? 1), message: status.message };
  }
  return { exitCode: 1, message: status.message ?? text };
}
