// corralctl run: docker run's habit on corral. Pulls the image when absent, makes a pod and a
// container for it, shows its output until it exits (-i: with this process's stdin, -t: in a
// terminal) and exits with its code; -d prints the container ID instead; --rm removes the
// container and its pod at the end, also after Ctrl-C or SIGTERM.
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Command, CommandContext } from '../command';
import { withEnvBytes } from '../config_file';
import { CriCallError } from '../cri_client';
import { ensureImage } from '../ensure_image';
import { containerConfigFor, parseRunArgs, podConfigFor, RUN_USAGE, type RunOptions } from '../run_options';
import { SignalLatch } from '../signal_latch';
import { runTerminalSession } from '../terminal_session';
import { printLog } from './logs';

interface Made {
  podId: string;
  id: string;
  logPath: string;
}

const EXIT_POLL_MS = 50;

async function removePod(ctx: CommandContext, podId: string): Promise<void> {
  await ctx.client().runtime('StopPodSandbox', { pod_sandbox_id: podId });
  await ctx.client().runtime('RemovePodSandbox', { pod_sandbox_id: podId });
}

async function start(ctx: CommandContext, o: RunOptions, signals: SignalLatch): Promise<Made> {
  const pod = podConfigFor(o);
  const { pod_sandbox_id: podId } = await ctx.client().runtime('RunPodSandbox', { config: pod, runtime_handler: '' });
  try {
    signals.throwIfCaught('before the container was created');
    const config = withEnvBytes(containerConfigFor(o));
    const { container_id: id } = await ctx
      .client()
      .runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod });
    signals.throwIfCaught('before the container started');
    await ctx.client().runtime('StartContainer', { container_id: id });
    const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
    return { podId, id, logPath: status?.log_path ?? '' };
  } catch (err) {
    await removePod(ctx, podId).catch(() => undefined);
    throw err;
  }
}

/** Attach answers FAILED_PRECONDITION once the container has exited, and a session can break as
 *  it exits: either way its output is in the log. */
async function exitedBeforeAttach(ctx: CommandContext, id: string, err: unknown): Promise<boolean> {
  if (err instanceof CriCallError && err.code === GrpcStatus.FAILED_PRECONDITION) return true;
  const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
  return status?.state === 'CONTAINER_EXITED';
}

async function attach(ctx: CommandContext, id: string, o: RunOptions, output: boolean): Promise<boolean> {
  try {
    const { url } = await ctx.client().runtime('Attach', {
      container_id: id,
      stdin: o.interactive,
      stdout: output,
      stderr: output && !o.tty,
      tty: o.tty,
    });
    await runTerminalSession(url, { stdin: o.interactive, tty: o.tty, output });
    return true;
  } catch (err) {
    if (await exitedBeforeAttach(ctx, id, err)) return false;
    throw err;
  }
}

/** -t: the terminal through Attach (what it printed before the attach is in the log, as with
 *  kubectl run -it). Otherwise the output comes from the log, complete and in order; -i feeds
 *  stdin through an attach beside it. */
async function connectStdio(ctx: CommandContext, o: RunOptions, made: Made): Promise<void> {
  const follow = () => printLog(ctx, made.id, made.logPath, { follow: true, timestamps: false });
  if (o.tty) {
    if (o.interactive && process.stdin.isTTY) process.stderr.write("If you don't see a prompt, press Enter.\n");
    if (!(await attach(ctx, made.id, o, true))) await follow();
    return;
  }
  if (o.interactive) await Promise.all([follow(), attach(ctx, made.id, o, false)]);
  else await follow();
}

async function exitCodeOf(ctx: CommandContext, id: string): Promise<number> {
  for (;;) {
    const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
    if (status?.state !== 'CONTAINER_RUNNING' && status?.state !== 'CONTAINER_CREATED') return status?.exit_code ?? 1;
    await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_MS));
  }
}

async function runAttached(ctx: CommandContext, o: RunOptions, made: Made, signals: SignalLatch): Promise<number> {
  // A signal stops the container (a second one kills it), as docker run does; --rm then cleans up.
  signals.onSignal((count) => {
    const timeout = count > 1 ? 0 : 10;
    ctx
      .client()
      .runtime('StopContainer', { container_id: made.id, timeout })
      .catch(() => undefined);
  });
  try {
    await connectStdio(ctx, o, made);
    return await exitCodeOf(ctx, made.id);
  } finally {
    // RemovePodSandbox removes the pod's containers too.
    if (o.rm) await removePod(ctx, made.podId);
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a command in a new container of IMAGE, in a pod of its own (like docker run)',
  usage: RUN_USAGE,
  async run(ctx) {
    const o = parseRunArgs(ctx.args);
    const signals = new SignalLatch();
    try {
      await ensureImage(ctx, o.image);
      signals.throwIfCaught('while pulling');
      const made = await start(ctx, o, signals);
      if (!o.detach) return await runAttached(ctx, o, made, signals);
      process.stdout.write(`${made.id}\n`);
      return 0;
    } finally {
      signals.dispose();
    }
  },
};
