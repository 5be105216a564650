// corralctl imagefsinfo: bytes and inodes used by images and by containers' writable layers.
import type { Command } from '../command';
import { printJson, printTable } from '../output';
import { humanSize } from '../image_format';

export const imagefsinfoCommand: Command = {
  name: 'imagefsinfo',
  summary: 'Show image and container filesystem usage',
  usage: 'corralctl imagefsinfo',
  async run(ctx) {
    const res = await ctx.client().image('ImageFsInfo', {});
    if (ctx.output === 'json') return (printJson(res), 0);
    const rows = [
      ...res.image_filesystems.map((f) => ['image', f]),
      ...res.container_filesystems.map((f) => ['container', f]),
    ].map(([kind, f]) => {
      const u = f as (typeof res.image_filesystems)[number];
      return [
        kind as string,
        u.fs_id?.mountpoint ?? '',
        humanSize(Number(u.used_bytes?.value ?? 0)),
        u.inodes_used?.value ?? '0',
      ];
    });
    printTable(['FILESYSTEM', 'MOUNTPOINT', 'USED', 'INODES'], rows);
    return 0;
  },
};
