// corralctl exec [--timeout S] ID CMD...: runs a command in a running container (ExecSync) and
// exits with its exit code.
import type { Command } from '../command';
import { commandArgs } from '../command_args';

export const execCommand: Command = {
  name: 'exec',
  summary: 'Run a command in a running container and print its output',
  usage: 'corralctl exec [--timeout SECONDS] CONTAINER_ID COMMAND [ARG...]',
  async run(ctx) {
    // Everything after the container ID belongs to the command, flags included.
    const idAt = ctx.args.findIndex((arg, i) => !arg.startsWith('-') && ctx.args[i - 1] !== '--timeout');
    const { values } = commandArgs(idAt < 0 ? ctx.args : ctx.args.slice(0, idAt), { timeout: { type: 'string', default: '0' } }, this.usage);
    const [id, ...cmd] = idAt < 0 ? [] : ctx.args.slice(idAt);
    if (!id || cmd.length === 0) throw new Error(`missing arguments\nusage: ${this.usage}`);
    const result = await ctx.client().runtime('ExecSync', { container_id: id, cmd, timeout: Number(values.timeout) });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result.exit_code;
  },
};
