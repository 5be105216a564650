// corralctl stats: CPU, memory and disk of containers (or pods with --pods), top-like with
// --watch. CPU is a rate between two samples, so the first reading is taken an interval apart.
import type { Command, CommandContext } from '../command';
import { commandArgs } from '../command_args';
import { labelSelector } from '../label_selector';
import { resolveId } from '../object_ref';
import { printJson, printTable } from '../output';
import { CONTAINER_HEADER, containerRow, POD_HEADER, podRow } from '../stats_format';

const CLEAR_SCREEN = '\x1b[H\x1b[2J';

interface Query {
  pods: boolean;
  id: string;
  pod: string;
  labels: Record<string, string>;
}

async function sample(ctx: CommandContext, q: Query) {
  if (q.pods)
    return (await ctx.client().runtime('ListPodSandboxStats', { filter: { id: q.id, label_selector: q.labels } }))
      .stats;
  return (
    await ctx
      .client()
      .runtime('ListContainerStats', { filter: { id: q.id, pod_sandbox_id: q.pod, label_selector: q.labels } })
  ).stats;
}

function show(ctx: CommandContext, q: Query, stats: Awaited<ReturnType<typeof sample>>): void {
  if (ctx.output === 'json') return printJson({ stats });
  if (q.pods) printTable(POD_HEADER, (stats as Parameters<typeof podRow>[0][]).map(podRow));
  else printTable(CONTAINER_HEADER, (stats as Parameters<typeof containerRow>[0][]).map(containerRow));
}

export const statsCommand: Command = {
  name: 'stats',
  summary: 'Show CPU, memory and disk use of containers (or pods)',
  usage: 'corralctl stats [--pods] [--id ID|NAME] [-p POD] [--label KEY=VALUE]... [-w] [-s SECONDS] [-o json]',
  async run(ctx) {
    const { values } = commandArgs(
      ctx.args,
      {
        pods: { type: 'boolean' },
        id: { type: 'string' },
        pod: { type: 'string', short: 'p' },
        label: { type: 'string', multiple: true },
        watch: { type: 'boolean', short: 'w' },
        seconds: { type: 'string', short: 's' },
      },
      this.usage,
    );
    const intervalMs = Number(values.seconds ?? '1') * 1000;
    if (!(intervalMs > 0)) throw new Error(`-s ${values.seconds}: expected a positive number of seconds`);
    const q: Query = {
      pods: !!values.pods,
      id: values.id ? await resolveId(ctx, values.pods ? 'pod' : 'container', values.id) : '',
      pod: values.pod ? await resolveId(ctx, 'pod', values.pod) : '',
      labels: labelSelector(values.label),
    };
    await sample(ctx, q); // primes the CPU rate
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      const stats = await sample(ctx, q);
      if (values.watch && ctx.output !== 'json') process.stdout.write(CLEAR_SCREEN);
      show(ctx, q, stats);
      if (!values.watch) return 0;
    }
  },
};
