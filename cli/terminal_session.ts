// corralctl's side of an interactive exec/attach: the user's terminal in raw mode for the
// session, its size sent at start and on every SIGWINCH, stdio connected to the streams.
import type { TerminalSize } from '../streaming/terminal_size';
import { runRemoteCommand } from '../streaming/client/remote_command_client';

export interface SessionFlags {
  stdin: boolean;
  tty: boolean;
  /** false: the remote output is read elsewhere (corralctl run -i follows the log instead). */
  output?: boolean;
}

/** Runs the session at `url` against this process's stdio; returns the remote exit code. */
export async function runTerminalSession(url: string, flags: SessionFlags): Promise<number> {
  const raw = flags.tty && flags.stdin && process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  const size = (): TerminalSize => ({ width: process.stdout.columns ?? 80, height: process.stdout.rows ?? 24 });
  let onResize: (() => void) | undefined;
  try {
    const result = await runRemoteCommand(url, {
      stdin: flags.stdin ? process.stdin : undefined,
      stdout: flags.output === false ? undefined : process.stdout,
      stderr: flags.tty || flags.output === false ? undefined : process.stderr,
      tty: flags.tty,
      onResizer: (send) => {
        if (!process.stdout.isTTY) return;
        onResize = () => send(size());
        process.stdout.on('resize', onResize);
        send(size());
      },
    });
    if (result.message && result.exitCode !== 0 && !/non-zero exit code/.test(result.message)) {
      process.stderr.write(`${result.message}\n`);
    }
    return result.exitCode;
  } finally {
    if (onResize) process.stdout.off('resize', onResize);
    if (raw) process.stdin.setRawMode(false);
    if (flags.stdin) process.stdin.pause();
  }
}
