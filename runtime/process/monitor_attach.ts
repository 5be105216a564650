// Attach through a monitor's control socket: "attach <in> <out> <err>", then frames of
// 1 byte kind, u32 big-endian length, data (see corral-monitor/monitor.h).
import * as net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import type { StdioOptions, StreamedAttach } from '../streaming/contract';
import { controlSocketPath } from './monitor_client';
import { InternalError, UnavailableError } from '../errors';

const FRAME_MAX = 4096;

function frame(kind: string, data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(kind, 0, 'latin1');
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
}

/** Splits incoming bytes into frames and hands each to `deliver`. */
function frameReader(deliver: (kind: string, data: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
      const length = pending.readUInt32BE(1);
      deliver(pending.toString('latin1', 0, 1), pending.subarray(5, 5 + length));
      pending = pending.subarray(5 + length);
    }
  };
}

function stdinWriter(socket: net.Socket): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (let at = 0; at < chunk.length; at += FRAME_MAX) socket.write(frame('0', chunk.subarray(at, at + FRAME_MAX)));
      callback();
    },
    final(callback) {
      socket.write(frame('c', Buffer.alloc(0)), () => callback());
    },
  });
}

/** Waits for the "ok" line; whatever follows it already belongs to the frames. */
function handshake(socket: net.Socket, command: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let text = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      text = Buffer.concat([text, chunk]);
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      socket.off('data', onData);
      const line = text.toString('utf8', 0, nl);
      if (line === 'ok') resolve(text.subarray(nl + 1));
      else reject(new InternalError(`attach: ${line.replace(/^error /, '')}`));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new UnavailableError('the monitor closed the attach connection')));
    socket.write(command);
  });
}

export async function attachMonitor(bundleDir: string, streams: StdioOptions): Promise<StreamedAttach> {
  const socket = net.createConnection(controlSocketPath(bundleDir));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (err) => reject(new UnavailableError(`monitor of ${bundleDir}: ${err.message}`, { cause: err })));
  });
  socket.on('error', () => { /* 'close' follows */ });
  const flag = (on: boolean): number => (on ? 1 : 0);
  const rest = await handshake(socket, `attach ${flag(streams.stdin)} ${flag(streams.stdout)} ${flag(streams.stderr)}\n`);
  const stdout = streams.stdout ? new PassThrough() : undefined;
  const stderr = streams.stderr ? new PassThrough() : undefined;
  const read = frameReader((kind, data) => (kind === '1' ? stdout : stderr)?.write(data));
  read(rest);
  socket.on('data', read);
  const ended = new Promise<void>((resolve) => socket.once('close', () => {
    stdout?.end();
    stderr?.end();
    resolve();
  }));
  return {
    stdin: streams.stdin ? stdinWriter(socket) : undefined,
    stdout,
    stderr,
    resize: (size) => { socket.write(frame('r', Buffer.from(`${size.width} ${size.height}`))); },
    ended,
    detach: () => { socket.destroy(); },
  };
}
