// corralctl inspecti REF: an image's status with its config, as JSON.
import type { Command } from '../command';
import { printJson } from '../output';

export const inspectiCommand: Command = {
  name: 'inspecti',
  summary: 'Show an image with its config (JSON)',
  usage: 'corralctl inspecti REF',
  async run(ctx) {
    const ref = ctx.args.find((a) => !a.startsWith('-'));
    if (!ref) throw new Error(`usage: ${inspectiCommand.usage}`);
    const res = await ctx.client().image('ImageStatus', { image: { image: ref }, verbose: true });
    if (!res.image) {
      process.stderr.write(`no such image ${ref}\n`);
      return 1;
    }
    const info: unknown = res.info.info ? JSON.parse(res.info.info) : {};
    printJson({ status: res.image, info });
    return 0;
  },
};
