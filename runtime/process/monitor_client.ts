// Talks to a container's monitor over <bundle>/ctl.sock (see corral-monitor/control.c).
import * as net from 'node:net';
import * as path from 'node:path';
import { InternalError, UnavailableError } from '../errors';

export const CONTROL_SOCKET = 'ctl.sock';
/** sockaddr_un holds 108 bytes including the NUL. */
export const MAX_SOCKET_PATH = 107;

export function controlSocketPath(bundleDir: string): string {
  return path.join(bundleDir, CONTROL_SOCKET);
}

export function connectMonitor(bundleDir: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(controlSocketPath(bundleDir));
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err) =>
      reject(new UnavailableError(`monitor of ${bundleDir}: ${err.message}`, { cause: err })),
    );
  });
}

/** A monitor's reply is one short line; more than this without a newline is not a monitor. */
export const MAX_MONITOR_REPLY_BYTES = 4096;
const MONITOR_REPLY_TIMEOUT_MS = 30_000;

/** Sends one command and resolves with the words after "ok"; "error …" rejects. */
export async function monitorCommand(bundleDir: string, command: string): Promise<string[]> {
  const socket = await connectMonitor(bundleDir);
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(MONITOR_REPLY_TIMEOUT_MS, () => {
      reject(new UnavailableError(`monitor of ${bundleDir}: no reply to ${command} within 30s`));
      socket.destroy();
    });
    socket.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl < 0 && text.length > MAX_MONITOR_REPLY_BYTES) {
        reject(new InternalError(`monitor ${command}: reply longer than ${MAX_MONITOR_REPLY_BYTES} bytes`));
        socket.destroy();
        return;
      }
      if (nl < 0) return;
      socket.destroy();
      const line = text.slice(0, nl);
      if (line === 'ok' || line.startsWith('ok ')) resolve(line.split(' ').slice(1));
      else reject(new InternalError(`monitor ${command}: ${line.replace(/^error /, '')}`));
    });
    socket.on('close', () => reject(new UnavailableError(`monitor of ${bundleDir} closed during ${command}`)));
    socket.on('error', () => {
      /* 'close' follows */
    });
    socket.write(`${command}\n`);
  });
}

/** Resolves when the monitor closes the connection (it has exited) or at once if it is gone. */
export async function waitMonitorClose(bundleDir: string, signal?: AbortSignal): Promise<void> {
  let socket: net.Socket;
  try {
    socket = await connectMonitor(bundleDir);
  } catch {
    return;
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      socket.destroy();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    socket.on('error', () => {
      /* 'close' follows */
    });
    socket.resume();
    socket.write('wait\n');
  });
}
