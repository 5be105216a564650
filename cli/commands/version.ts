// corralctl version: the runtime's name and versions, as crictl version prints them.
import type { Command } from '../command';
import { printJson } from '../output';

export const versionCommand: Command = {
  name: 'version',
  summary: 'Show the runtime name and versions',
  usage: 'corralctl version',
  async run(ctx) {
    const version = await ctx.client().runtime('Version', {});
    if (ctx.output === 'json') {
      printJson(version);
      return 0;
    }
    process.stdout.write(
      `Version:  ${version.version}\nRuntimeName:  ${version.runtime_name}\n` +
        `RuntimeVersion:  ${version.runtime_version}\nRuntimeApiVersion:  ${version.runtime_api_version}\n`,
    );
    return 0;
  },
};
