// Attach through the container's monitor: "attach" on its control socket, then frames both ways
// (corral-monitor/attach.c): <kind:1><length:4 BE><payload>; 1 stdout, 2 stderr from the
// monitor; 0 stdin, 3 close stdin, 4 resize (columns, rows as 2-byte BE) to it.
import type { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { InternalError } from '../errors';
import type { StdioOptions, StreamedAttach, TerminalSize } from '../streaming/contract';
import { connectMonitor } from './monitor_client';

enum Frame {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  CloseStdin = 3,
  Resize = 4,
}
const HEADER = 5;
/** The monitor's per-client buffer is 8 KiB: stdin goes in pieces that fit. */
const MAX_STDIN_PIECE = 4096;
/** The monitor sends what it read in one go (far less); a longer frame is a broken stream. */
const MAX_FRAME = 1 << 20;
/** Output held for a slow client before the monitor socket is paused (per stream). */
const OUTPUT_BUFFER = 64 * 1024;

export async function attachToMonitor(
  bundleDir: string,
  options: StdioOptions,
  stdinOnce: boolean,
): Promise<StreamedAttach> {
  const socket = await connectMonitor(bundleDir);
  await expectOk(socket);
  const stdout = new PassThrough({ highWaterMark: OUTPUT_BUFFER });
  const stderr = new PassThrough({ highWaterMark: OUTPUT_BUFFER });
  readFrames(socket, (kind, payload) => {
    if (kind === Frame.Stdout && options.stdout) holdWhileFull(socket, stdout, payload);
    if (kind === Frame.Stderr && options.stderr && !options.tty) holdWhileFull(socket, stderr, payload);
  });
  const ended = new Promise<void>((resolve) =>
    socket.once('close', () => {
      stdout.end();
      stderr.end();
      resolve();
    }),
  );
  socket.on('error', () => undefined);
  const send = (kind: Frame, payload: Buffer, done?: (err?: Error | null) => void) => {
    if (socket.destroyed) {
      done?.();
      return;
    }
    const head = Buffer.alloc(HEADER);
    head[0] = kind;
    head.writeUInt32BE(payload.length, 1);
    socket.write(Buffer.concat([head, payload]), () => done?.());
  };
  const stdin = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (let at = 0; at < chunk.length; at += MAX_STDIN_PIECE)
        send(Frame.Stdin, chunk.subarray(at, at + MAX_STDIN_PIECE));
      send(Frame.Stdin, Buffer.alloc(0), done);
    },
    // kubelet's StdinOnce: the container's stdin closes when the first attached client closes it.
    final: (done) => (stdinOnce ? send(Frame.CloseStdin, Buffer.alloc(0), done) : done()),
  });
  return {
    stdin: options.stdin ? stdin : undefined,
    stdout: options.stdout ? stdout : undefined,
    stderr: options.stderr && !options.tty ? stderr : undefined,
    resize: (size: TerminalSize) => {
      const payload = Buffer.alloc(4);
      payload.writeUInt16BE(size.width, 0);
      payload.writeUInt16BE(size.height, 2);
      send(Frame.Resize, payload);
    },
    ended,
    detach: () => socket.end(),
  };
}

function expectOk(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      socket.off('data', onData);
      socket.pause(); // frames after "ok" wait for readFrames
      const rest = Buffer.from(text.slice(nl + 1), 'latin1');
      if (rest.length > 0) socket.unshift(rest);
      if (text.slice(0, nl) === 'ok') resolve();
      else reject(new InternalError(`monitor attach: ${text.slice(0, nl).replace(/^error /, '')}`));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new InternalError('monitor closed the attach')));
    socket.write('attach\n');
  });
}

/**
 * Hands output to the client's stream; while that stream is full, the monitor socket is paused,
 * so corrald holds at most a buffer per stream and the monitor (which never blocks its container
 * on a client) sees the client as slow.
 */
function holdWhileFull(socket: Socket, stream: PassThrough, payload: Buffer): void {
  if (stream.write(payload)) return;
  socket.pause();
  stream.once('drain', () => {
    if (!socket.destroyed) socket.resume();
  });
}

/** Calls `onFrame` per frame; `kind` is the wire byte, which may be no Frame member at all. */
function readFrames(socket: Socket, onFrame: (kind: Frame, payload: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= HEADER) {
      const length = pending.readUInt32BE(1);
      if (length > MAX_FRAME) {
        socket.destroy();
        return;
      }
      if (pending.length < HEADER + length) break;
      onFrame(pending[0], pending.subarray(HEADER, HEADER + length));
      pending = pending.subarray(HEADER + length);
    }
  });
  socket.resume();
}
