// corralctl checkconfig: what this kernel offers corral (like lxc-checkconfig). Needs no daemon.
// Exits 1 when a required feature is missing.
import { checkNode, nodeIsUsable } from '../../runtime/host_check';
import type { Command } from '../command';
import { printJson, printTable } from '../output';

export const checkconfigCommand: Command = {
  name: 'checkconfig',
  summary: "Report the kernel features corral needs and whether they're present",
  usage: 'corralctl checkconfig [-o json]',
  async run(ctx) {
    const checks = await checkNode();
    const usable = nodeIsUsable(checks);
    if (ctx.output === 'json') {
      printJson({ usable, checks });
    } else {
      printTable(
        ['GROUP', 'FEATURE', 'STATUS', 'REQUIRED', 'DETAIL'],
        checks.map((c) => [c.group, c.name, c.ok ? 'ok' : 'missing', c.required ? 'yes' : 'no', c.detail]),
      );
      process.stdout.write(usable ? '\nthis node can run corral\n' : '\na required feature is missing\n');
    }
    return usable ? 0 : 1;
  },
};
