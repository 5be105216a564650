// corralctl rmi REF...: removes images (with every tag) by ID, tag or digest.
import type { Command } from '../command';

export const rmiCommand: Command = {
  name: 'rmi',
  summary: 'Remove images by ID, tag or digest',
  usage: 'corralctl rmi REF [REF...]',
  async run(ctx) {
    const refs = ctx.args.filter((a) => !a.startsWith('-'));
    if (refs.length === 0) throw new Error(`usage: ${rmiCommand.usage}`);
    let failed = 0;
    for (const ref of refs) {
      const status = await ctx.client().image('ImageStatus', { image: { image: ref }, verbose: false });
      if (!status.image) {
        process.stderr.write(`no such image ${ref}\n`);
        failed++;
        continue;
      }
      await ctx.client().image('RemoveImage', { image: { image: status.image.id } });
      for (const tag of status.image.repo_tags.length ? status.image.repo_tags : [status.image.id])
        process.stdout.write(`Deleted: ${tag}\n`);
    }
    return failed ? 1 : 0;
  },
};
