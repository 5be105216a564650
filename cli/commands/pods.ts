// corralctl pods: lists pod sandboxes.
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { printJson, printTable, shortId } from '../output';
import { ago } from '../time_format';
import { labelSelector } from '../label_selector';

export const podsCommand: Command = {
  name: 'pods',
  summary: 'List pod sandboxes',
  usage: 'corralctl pods [--id PREFIX] [--state ready|notready] [--label KEY=VALUE]... [-q]',
  async run(ctx) {
    const { values } = commandArgs(
      ctx.args,
      {
        id: { type: 'string' },
        state: { type: 'string' },
        label: { type: 'string', multiple: true },
        quiet: { type: 'boolean', short: 'q' },
      },
      this.usage,
    );
    const state = values.state
      ? { state: values.state.toLowerCase() === 'ready' ? ('SANDBOX_READY' as const) : ('SANDBOX_NOTREADY' as const) }
      : null;
    const { items } = await ctx.client().runtime('ListPodSandbox', {
      filter: { id: values.id ?? '', state, label_selector: labelSelector(values.label) },
    });
    const pods = [...items].sort((a, b) => Number(BigInt(b.created_at) - BigInt(a.created_at)));
    if (ctx.output === 'json') printJson({ items: pods });
    else if (values.quiet) pods.forEach((p) => process.stdout.write(`${p.id}\n`));
    else {
      printTable(
        ['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT'],
        pods.map((p) => [
          shortId(p.id),
          ago(p.created_at),
          p.state.replace('SANDBOX_', ''),
          p.metadata?.name ?? '',
          p.metadata?.namespace ?? '',
          String(p.metadata?.attempt ?? 0),
        ]),
      );
    }
    return 0;
  },
};
