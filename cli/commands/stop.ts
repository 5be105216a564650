// corralctl stop [-t SECONDS] ID...: stops containers (stop signal, SIGKILL after the timeout).
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { resolveIds } from '../object_ref';

export const stopCommand: Command = {
  name: 'stop',
  summary: 'Stop one or more containers',
  usage: 'corralctl stop [-t SECONDS] CONTAINER...',
  async run(ctx) {
    const { values, positionals } = commandArgs(
      ctx.args,
      { timeout: { type: 'string', short: 't', default: '10' } },
      this.usage,
      1,
    );
    for (const id of await resolveIds(ctx, 'container', positionals)) {
      await ctx.client().runtime('StopContainer', { container_id: id, timeout: Number(values.timeout) });
      process.stdout.write(`${id}\n`);
    }
    return 0;
  },
};
