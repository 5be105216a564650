// corralctl create [--no-pull] POD CONTAINER_CONFIG.json POD_CONFIG.json: creates a container in a
// pod, pulling its image first when absent (as crictl create does).
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { readConfigFile, withEnvBytes } from '../config_file';
import { ensureImage } from '../ensure_image';
import { resolveId } from '../object_ref';

export const createCommand: Command = {
  name: 'create',
  summary: 'Create a container in a pod from CRI ContainerConfig and PodSandboxConfig JSON files',
  usage: 'corralctl create [--no-pull] POD CONTAINER_CONFIG.json POD_CONFIG.json',
  async run(ctx) {
    const { values, positionals } = commandArgs(
      ctx.args,
      { 'no-pull': { type: 'boolean', default: false } },
      this.usage,
      3,
    );
    const [podRef, containerFile, podFile] = positionals as [string, string, string];
    const podId = await resolveId(ctx, 'pod', podRef);
    const config = withEnvBytes(await readConfigFile(containerFile));
    const sandboxConfig = await readConfigFile(podFile);
    const image = (config.image as { image?: unknown } | undefined)?.image;
    if (!values['no-pull'] && typeof image === 'string' && image !== '') await ensureImage(ctx, image);
    const response = await ctx
      .client()
      .runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: sandboxConfig });
    process.stdout.write(`${response.container_id}\n`);
    return 0;
  },
};
