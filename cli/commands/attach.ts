// corralctl attach [-i] [-t] ID: connects to a running container's stdio (its main process).
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { resolveId } from '../object_ref';
import { runTerminalSession } from '../terminal_session';

export const attachCommand: Command = {
  name: 'attach',
  summary: "Attach to a running container's output (-i: and its stdin, -t: its terminal)",
  usage: 'corralctl attach [-i] [-t] CONTAINER',
  async run(ctx) {
    const options = {
      interactive: { type: 'boolean', short: 'i', default: false },
      tty: { type: 'boolean', short: 't', default: false },
    } as const;
    const { values, positionals } = commandArgs(ctx.args, options, this.usage, 1);
    const { url } = await ctx.client().runtime('Attach', {
      container_id: await resolveId(ctx, 'container', positionals[0]),
      stdin: values.interactive,
      stdout: true,
      stderr: !values.tty,
      tty: values.tty,
    });
    return runTerminalSession(url, { stdin: values.interactive, tty: values.tty });
  },
};
