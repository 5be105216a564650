// Checks shared by the Exec, Attach and PortForward RPCs before a URL is handed out.
import { InvalidArgumentError, UnavailableError } from '../../runtime/errors';
import type { StdioOptions } from '../../runtime/streaming/contract';
import type { ServerContext } from '../context';
import type { StreamingService } from './service';

export function streamingOf(ctx: ServerContext): StreamingService {
  if (!ctx.streaming) throw new UnavailableError('the streaming server is not running');
  return ctx.streaming;
}

/** As containerd: a tty has no separate stderr, and a session needs at least one stream. */
export function checkStdio(options: StdioOptions): StdioOptions {
  if (options.tty && options.stderr) throw new InvalidArgumentError('tty and stderr cannot both be true');
  if (!options.stdin && !options.stdout && !options.stderr) {
    throw new InvalidArgumentError('one of stdin, stdout, or stderr must be set');
  }
  return { stdin: options.stdin, stdout: options.stdout, stderr: options.stderr, tty: options.tty };
}

export function requireId(id: string, what: string): string {
  if (!id) throw new InvalidArgumentError(`${what} is required`);
  return id;
}
