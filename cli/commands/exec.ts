// corralctl exec [-i] [-t] [--timeout S] ID CMD...: runs a command in a running container and
// exits with its exit code. Plain: ExecSync, output printed at the end. With -i or -t: a
// streaming Exec (SPDY), stdin forwarded, -t a terminal in raw mode that follows resizes.
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { resolveId } from '../object_ref';
import { runTerminalSession } from '../terminal_session';

const OPTIONS = {
  interactive: { type: 'boolean', short: 'i', default: false },
  tty: { type: 'boolean', short: 't', default: false },
  timeout: { type: 'string', default: '0' },
} as const;

export const execCommand: Command = {
  name: 'exec',
  summary: 'Run a command in a running container (-i: with stdin, -t: in a terminal)',
  usage: 'corralctl exec [-i] [-t] [--timeout SECONDS] CONTAINER COMMAND [ARG...]',
  async run(ctx) {
    // Everything after the container ID belongs to the command, flags included.
    const idAt = ctx.args.findIndex((arg, i) => !arg.startsWith('-') && ctx.args[i - 1] !== '--timeout');
    const { values } = commandArgs(idAt < 0 ? ctx.args : ctx.args.slice(0, idAt), OPTIONS, this.usage);
    const [ref, ...cmd] = idAt < 0 ? [] : ctx.args.slice(idAt);
    if (!ref || cmd.length === 0) throw new Error(`missing arguments\nusage: ${this.usage}`);
    const id = await resolveId(ctx, 'container', ref);
    if (values.interactive || values.tty) {
      const { url } = await ctx.client().runtime('Exec', {
        container_id: id,
        cmd,
        stdin: values.interactive,
        stdout: true,
        stderr: !values.tty,
        tty: values.tty,
      });
      return runTerminalSession(url, { stdin: values.interactive, tty: values.tty });
    }
    const result = await ctx.client().runtime('ExecSync', { container_id: id, cmd, timeout: Number(values.timeout) });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result.exit_code;
  },
};
