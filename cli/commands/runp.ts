// corralctl runp POD_CONFIG.json: runs a pod sandbox and prints its ID.
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { readConfigFile } from '../config_file';

export const runpCommand: Command = {
  name: 'runp',
  summary: 'Run a pod sandbox from a CRI PodSandboxConfig JSON file',
  usage: 'corralctl runp [--runtime HANDLER] POD_CONFIG.json',
  async run(ctx) {
    const { values, positionals } = commandArgs(ctx.args, { runtime: { type: 'string' } }, this.usage, 1);
    const config = await readConfigFile(positionals[0]);
    const response = await ctx.client().runtime('RunPodSandbox', { config, runtime_handler: values.runtime ?? '' });
    process.stdout.write(`${response.pod_sandbox_id}\n`);
    return 0;
  },
};
