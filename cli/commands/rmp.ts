// corralctl rmp [-f] [-a] POD...: removes pods with their containers. A ready pod is refused
// unless -f, which stops it first (crictl's rule); -a removes every pod.
import type { Command } from '../command';
import { commandArgs, UsageError } from '../command_args';
import { allIds, resolveIds } from '../object_ref';
import { PodSandboxState } from '../../proto/generated/runtime/v1/PodSandboxState';

export const rmpCommand: Command = {
  name: 'rmp',
  summary: 'Remove one or more pod sandboxes (and their containers; -a: all)',
  usage: 'corralctl rmp [-f] [-a | POD...]',
  async run(ctx) {
    const { values, positionals } = commandArgs(
      ctx.args,
      { force: { type: 'boolean', short: 'f', default: false }, all: { type: 'boolean', short: 'a', default: false } },
      this.usage,
    );
    if (values.all === positionals.length > 0) throw new UsageError(`give pods or -a\nusage: ${this.usage}`);
    const ids = values.all ? await allIds(ctx, 'pod') : await resolveIds(ctx, 'pod', positionals);
    let failed = 0;
    for (const id of ids) {
      const { status } = await ctx.client().runtime('PodSandboxStatus', { pod_sandbox_id: id, verbose: false });
      if (status?.state === PodSandboxState.SANDBOX_READY) {
        if (!values.force) {
          process.stderr.write(`pod ${id} is ready: stop it first (stopp) or use -f\n`);
          failed++;
          continue;
        }
        await ctx.client().runtime('StopPodSandbox', { pod_sandbox_id: id });
      }
      await ctx.client().runtime('RemovePodSandbox', { pod_sandbox_id: id });
      process.stdout.write(`Removed sandbox ${id}\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};
