// corralctl create POD_ID CONTAINER_CONFIG.json POD_CONFIG.json: creates a container in a pod.
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { readConfigFile, withEnvBytes } from '../config_file';

export const createCommand: Command = {
  name: 'create',
  summary: 'Create a container in a pod from CRI ContainerConfig and PodSandboxConfig JSON files',
  usage: 'corralctl create POD_ID CONTAINER_CONFIG.json POD_CONFIG.json',
  async run(ctx) {
    const { positionals } = commandArgs(ctx.args, {}, this.usage, 3);
    const [podId, containerFile, podFile] = positionals as [string, string, string];
    const config = withEnvBytes(await readConfigFile(containerFile));
    const sandboxConfig = await readConfigFile(podFile);
    const response = await ctx
      .client()
      .runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: sandboxConfig });
    process.stdout.write(`${response.container_id}\n`);
    return 0;
  },
};
