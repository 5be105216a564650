// corralctl checkconfig: what this kernel offers corral (like lxc-checkconfig). Needs no daemon.
// Exits 1 when a required feature is missing. Run by a user other than root, it reports the
// checks only root can make as unseen, and fails only on what it saw missing.
import { checkNode, missingRequired, unseenRequired, type FeatureCheck } from '../../runtime/host_check';
import type { Command } from '../command';
import { printJson, printTable } from '../output';

function statusOf(check: FeatureCheck): string {
  if (check.ok) return 'ok';
  return check.unseen ? 'unseen' : 'missing';
}

function verdict(missing: FeatureCheck[], unseen: FeatureCheck[]): string {
  if (missing.length > 0) return 'a required feature is missing';
  if (unseen.length === 0) return 'this node can run corral';
  const names = unseen.map((c) => c.name).join(', ');
  return `nothing this user can see is missing; only root can check ${names} (run corralctl checkconfig as root)`;
}

export const checkconfigCommand: Command = {
  name: 'checkconfig',
  summary: "Report the kernel features corral needs and whether they're present",
  usage: 'corralctl checkconfig [-o json]',
  async run(ctx) {
    const checks = await checkNode();
    const missing = missingRequired(checks);
    const unseen = unseenRequired(checks);
    if (ctx.output === 'json') {
      // usable is null when only root could tell.
      const usable = missing.length > 0 ? false : unseen.length > 0 ? null : true;
      printJson({ usable, unseen: unseen.map((c) => `${c.group}.${c.name}`), checks });
    } else {
      printTable(
        ['GROUP', 'FEATURE', 'STATUS', 'REQUIRED', 'DETAIL'],
        checks.map((c) => [c.group, c.name, statusOf(c), c.required ? 'yes' : 'no', c.detail]),
      );
      process.stdout.write(`\n${verdict(missing, unseen)}\n`);
    }
    return missing.length > 0 ? 1 : 0;
  },
};
