// corralctl rm [-f] [-a] CONTAINER...: removes containers. A running one is refused unless -f,
// which stops it first (crictl's rule); -a removes every container.
import type { Command } from '../command';
import { commandArgs, UsageError } from '../command_args';
import { allIds, resolveIds } from '../object_ref';
import { ContainerState } from '../../proto/generated/runtime/v1/ContainerState';

export const rmCommand: Command = {
  name: 'rm',
  summary: 'Remove one or more containers (-a: all)',
  usage: 'corralctl rm [-f] [-a | CONTAINER...]',
  async run(ctx) {
    const { values, positionals } = commandArgs(
      ctx.args,
      { force: { type: 'boolean', short: 'f', default: false }, all: { type: 'boolean', short: 'a', default: false } },
      this.usage,
    );
    if (values.all === positionals.length > 0) throw new UsageError(`give containers or -a\nusage: ${this.usage}`);
    const ids = values.all ? await allIds(ctx, 'container') : await resolveIds(ctx, 'container', positionals);
    let failed = 0;
    for (const id of ids) {
      const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
      if (status?.state === ContainerState.CONTAINER_RUNNING) {
        if (!values.force) {
          process.stderr.write(`container ${id} is running: stop it first or use -f\n`);
          failed++;
          continue;
        }
        await ctx.client().runtime('StopContainer', { container_id: id, timeout: 0 });
      }
      await ctx.client().runtime('RemoveContainer', { container_id: id });
      process.stdout.write(`${id}\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};
