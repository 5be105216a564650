// corralctl rm [-f] ID...: removes containers (-f: running ones too; they are killed first).
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { ContainerState } from '../../proto/generated/runtime/v1/ContainerState';

export const rmCommand: Command = {
  name: 'rm',
  summary: 'Remove one or more containers',
  usage: 'corralctl rm [-f] CONTAINER_ID...',
  async run(ctx) {
    const { values, positionals } = commandArgs(
      ctx.args,
      { force: { type: 'boolean', short: 'f', default: false } },
      this.usage,
      1,
    );
    let failed = 0;
    for (const id of positionals) {
      if (!values.force) {
        const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
        if (status?.state === ContainerState.CONTAINER_RUNNING) {
          process.stderr.write(`container ${id} is running: stop it first or use -f\n`);
          failed++;
          continue;
        }
      }
      await ctx.client().runtime('RemoveContainer', { container_id: id });
      process.stdout.write(`${id}\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};
