// corralctl run: docker run's habit on corral. Pulls the image when absent, makes a pod and a
// container for it, prints its output until it exits and exits with its code; -d prints the
// container ID instead; --rm removes the container and its pod at the end.
import type { Command, CommandContext } from '../command';
import { withEnvBytes } from '../config_file';
import { containerConfigFor, parseRunArgs, podConfigFor, RUN_USAGE, type RunOptions } from '../run_options';
import { printLog } from './logs';

async function ensureImage(ctx: CommandContext, image: string): Promise<void> {
  const { image: present } = await ctx.client().image('ImageStatus', { image: { image }, verbose: false });
  if (present) return;
  process.stderr.write(`pulling ${image}\n`);
  await ctx.client().image('PullImage', { image: { image }, auth: null });
}

async function removePod(ctx: CommandContext, podId: string): Promise<void> {
  await ctx.client().runtime('StopPodSandbox', { pod_sandbox_id: podId });
  await ctx.client().runtime('RemovePodSandbox', { pod_sandbox_id: podId });
}

async function start(ctx: CommandContext, o: RunOptions): Promise<{ podId: string; id: string; logPath: string }> {
  const pod = podConfigFor(o);
  const { pod_sandbox_id: podId } = await ctx.client().runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    const config = withEnvBytes(containerConfigFor(o));
    const { container_id: id } = await ctx
      .client()
      .runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod });
    await ctx.client().runtime('StartContainer', { container_id: id });
    const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
    return { podId, id, logPath: status?.log_path ?? '' };
  } catch (err) {
    await removePod(ctx, podId).catch(() => undefined);
    throw err;
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a command in a new container of IMAGE, in a pod of its own (like docker run)',
  usage: RUN_USAGE,
  async run(ctx) {
    const o = parseRunArgs(ctx.args);
    await ensureImage(ctx, o.image);
    const { podId, id, logPath } = await start(ctx, o);
    if (o.detach) {
      process.stdout.write(`${id}\n`);
      return 0;
    }
    // Ctrl-C stops the container (then --rm cleans up), as docker run does.
    const stop = () => void ctx.client().runtime('StopContainer', { container_id: id, timeout: 10 });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await printLog(ctx, id, logPath, { follow: true, timestamps: false });
    const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
    if (o.rm) {
      await ctx.client().runtime('RemoveContainer', { container_id: id });
      await removePod(ctx, podId);
    }
    return status?.exit_code ?? 1;
  },
};
