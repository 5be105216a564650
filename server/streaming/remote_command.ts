// Exec and attach sessions: connect the client's channels to the process's stdio, apply
// resizes, report how it ended, and make sure a client that leaves takes nothing with it.
import { pipeline, type Readable, type Writable } from 'node:stream';
import type { Logger } from '../../runtime/log';
import type { StreamedIo, StreamingBackend, ExecOptions, StdioOptions } from '../../runtime/streaming/contract';
import type { RemoteCommandChannels } from './channels';
import type { CommandOutcome } from './exec_status';

export async function runExec(
  channels: RemoteCommandChannels,
  backend: StreamingBackend,
  containerId: string,
  options: ExecOptions,
  log: Logger,
): Promise<void> {
  let proc;
  try {
    proc = await backend.exec(containerId, options);
  } catch (err) {
    await failSession(channels, err, log);
    return;
  }
  let exited = false;
  void channels.closed.then(() => {
    if (!exited) proc.kill();
  });
  const outputDone = connectIo(channels, proc);
  let outcome: CommandOutcome;
  try {
    const code = await proc.exited;
    outcome = code === 0 ? { kind: 'success' } : { kind: 'exit', code };
  } catch (err) {
    outcome = { kind: 'error', message: (err as Error).message };
  }
  exited = true;
  await Promise.race([outputDone, channels.closed]);
  await channels.writeOutcome(outcome);
  channels.close();
}

export async function runAttach(
  channels: RemoteCommandChannels,
  backend: StreamingBackend,
  containerId: string,
  options: StdioOptions,
  log: Logger,
): Promise<void> {
  let attached;
  try {
    attached = await backend.attach(containerId, options);
  } catch (err) {
    await failSession(channels, err, log);
    return;
  }
  void channels.closed.then(() => attached.detach());
  const outputDone = connectIo(channels, attached);
  await Promise.race([attached.ended.then(() => outputDone), channels.closed]);
  attached.detach();
  await channels.writeOutcome({ kind: 'success' });
  channels.close();
}

async function failSession(channels: RemoteCommandChannels, err: unknown, log: Logger): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  log.warn('streaming session failed to start', { error: message });
  await channels.writeOutcome({ kind: 'error', message });
  channels.close();
}

/** Wires stdio both ways; resolves once the process's output has all been handed to the client. */
function connectIo(channels: RemoteCommandChannels, io: StreamedIo): Promise<void> {
  if (io.stdin) {
    io.stdin.on('error', () => {
      /* the process may exit before reading its stdin */
    });
    if (channels.stdin) pipeline(channels.stdin, io.stdin, () => undefined);
    else io.stdin.end();
  }
  channels.onResize((size) => io.resize(size));
  return Promise.all([forward(io.stdout, channels.stdout), forward(io.stderr, channels.stderr)]).then(() => undefined);
}

function forward(from: Readable | undefined, to: Writable | undefined): Promise<void> {
  if (!from) return Promise.resolve();
  from.on('error', () => undefined);
  if (!to) {
    from.resume();
    return new Promise((resolve) => from.once('close', resolve).once('end', resolve));
  }
  return new Promise((resolve) => pipeline(from, to, () => resolve()));
}
