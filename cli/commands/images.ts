// corralctl images [REF]: the node's images as a table (or JSON), optionally filtered.
import type { Command } from '../command';
import { printJson, printTable, shortId } from '../output';
import { humanSize, splitRepoTag } from '../image_format';

export const imagesCommand: Command = {
  name: 'images',
  summary: 'List images (optionally those matching REF)',
  usage: 'corralctl images [-q] [REF]',
  async run(ctx) {
    const quiet = ctx.args.includes('-q');
    const ref = ctx.args.find((a) => !a.startsWith('-'));
    const { images } = await ctx.client().image('ListImages', { filter: ref ? { image: { image: ref } } : null });
    if (ctx.output === 'json') return (printJson({ images }), 0);
    if (quiet) {
      for (const image of images) process.stdout.write(`${image.id}\n`);
      return 0;
    }
    const rows: string[][] = [];
    for (const image of images) {
      const tags = image.repo_tags.length ? image.repo_tags : ['<none>:<none>'];
      for (const tag of tags)
        rows.push([
          ...splitRepoTag(tag),
          shortId(image.id),
          humanSize(Number(image.size)),
          image.pinned ? 'pinned' : '',
        ]);
    }
    printTable(['IMAGE', 'TAG', 'IMAGE ID', 'SIZE', ''], rows);
    return 0;
  },
};
