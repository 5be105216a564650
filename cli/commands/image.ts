// corralctl image import PATH [--name REPO]: imports an OCI image layout (directory or tar) on
// the daemon's host, for nodes without a registry. PATH is read by corrald, so it must be
// absolute and on the daemon's machine.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command';
import { printJson } from '../output';
import { IMPORT_NAME_ANNOTATION, OCI_LAYOUT_PREFIX } from '../../runtime/image/import_reference';

export const imageCommand: Command = {
  name: 'image',
  summary: 'Image subcommands: import an OCI image layout (dir or tar)',
  usage: 'corralctl image import [--name REPO] PATH',
  async run(ctx) {
    const [sub, ...rest] = ctx.args;
    if (sub !== 'import') throw new Error(`usage: ${imageCommand.usage}`);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { name: { type: 'string' } },
    });
    if (!positionals[0]) throw new Error(`usage: ${imageCommand.usage}`);
    const annotations: Record<string, string> = values.name ? { [IMPORT_NAME_ANNOTATION]: values.name } : {};
    const res = await ctx.client().image('PullImage', {
      image: { image: `${OCI_LAYOUT_PREFIX}${path.resolve(positionals[0])}`, annotations },
    });
    if (ctx.output === 'json') printJson(res);
    else process.stdout.write(`Imported ${res.image_ref}\n`);
    return 0;
  },
};
