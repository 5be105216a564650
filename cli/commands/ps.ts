// corralctl ps: lists containers (running ones unless -a).
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { printJson, printTable, shortId } from '../output';
import { ago } from '../time_format';
import { labelSelector } from '../label_selector';
import { resolveId } from '../object_ref';

const STATES: Record<string, 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN'> = {
  created: 'CONTAINER_CREATED',
  running: 'CONTAINER_RUNNING',
  exited: 'CONTAINER_EXITED',
  unknown: 'CONTAINER_UNKNOWN',
};

export const psCommand: Command = {
  name: 'ps',
  summary: 'List containers',
  usage: 'corralctl ps [-a] [--id PREFIX] [-p POD] [--state STATE] [--label KEY=VALUE]... [-q]',
  async run(ctx) {
    const { values } = commandArgs(
      ctx.args,
      {
        all: { type: 'boolean', short: 'a' },
        id: { type: 'string' },
        pod: { type: 'string', short: 'p' },
        state: { type: 'string' },
        label: { type: 'string', multiple: true },
        quiet: { type: 'boolean', short: 'q' },
      },
      this.usage,
    );
    const stateName = values.state?.toLowerCase() ?? (values.all ? undefined : 'running');
    if (stateName !== undefined && !STATES[stateName])
      throw new Error(`unknown state ${values.state}: use created, running, exited or unknown`);
    const { containers } = await ctx.client().runtime('ListContainers', {
      filter: {
        id: values.id ?? '',
        pod_sandbox_id: values.pod ? await resolveId(ctx, 'pod', values.pod) : '',
        label_selector: labelSelector(values.label),
        state: stateName ? { state: STATES[stateName] } : null,
      },
    });
    const sorted = [...containers].sort((a, b) => Number(BigInt(b.created_at) - BigInt(a.created_at)));
    if (ctx.output === 'json') printJson({ containers: sorted });
    else if (values.quiet) sorted.forEach((c) => process.stdout.write(`${c.id}\n`));
    else {
      printTable(
        ['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID'],
        sorted.map((c) => [
          shortId(c.id),
          c.image?.image ?? c.image_ref,
          ago(c.created_at),
          c.state.replace('CONTAINER_', ''),
          c.metadata?.name ?? '',
          String(c.metadata?.attempt ?? 0),
          shortId(c.pod_sandbox_id),
        ]),
      );
    }
    return 0;
  },
};
