// corralctl info: runtime and network readiness plus the daemon's effective configuration.
import type { Command } from '../command';
import { printJson } from '../output';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show readiness conditions and the effective configuration',
  usage: 'corralctl info',
  async run(ctx) {
    const response = await ctx.client().runtime('Status', { verbose: true });
    const conditions = response.status?.conditions ?? [];
    const config: unknown = response.info.config ? JSON.parse(response.info.config) : undefined;
    if (ctx.output === 'json') {
      printJson({ status: response.status, config });
      return 0;
    }
    for (const c of conditions) {
      const why = c.status ? '' : ` (${c.reason}: ${c.message})`;
      process.stdout.write(`${c.type.padEnd(14)} ${c.status ? 'true' : 'false'}${why}\n`);
    }
    if (config) process.stdout.write(`\nconfig:\n${JSON.stringify(config, null, 2)}\n`);
    return conditions.every((c) => c.status) ? 0 : 1;
  },
};
