// corralctl pull REF [--creds USER[:PASS]] [--registry-token T] [--identity-token T]: pulls through
// corrald's PullImage, showing per-layer progress (cli/pull_view.ts) as it goes.
//
// CRI's PullImage is unary and reports nothing until it ends (crictl shows nothing; ctr reads
// containerd's content-store ingests, which corral keeps 0700 under its root). So corrald serves
// one read-only method of its own beside CRI on the same socket, corral.v1.ProgressService/
// PullProgress (proto/corral/v1/progress.proto), and corralctl polls it while PullImage runs.
// Against a runtime without it (UNIMPLEMENTED) the pull just runs without a display.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import type { Command, CommandContext } from '../command';
import { CriCallError } from '../cri_client';
import { printJson } from '../output';
import { PullView } from '../pull_view';
import type { AuthConfig } from '../../proto/generated/runtime/v1/AuthConfig';
import type { PullImageResponse__Output } from '../../proto/generated/runtime/v1/PullImageResponse';

const POLL_MS = { terminal: 200, plain: 1000 };

/** Runs PullImage, drawing its progress on `out` (a terminal: redrawn; otherwise plain lines). */
export async function pullWithProgress(
  ctx: CommandContext,
  image: string,
  auth: AuthConfig | null,
  out: NodeJS.WriteStream,
): Promise<PullImageResponse__Output> {
  const terminal = out.isTTY === true;
  const view = new PullView(out, terminal);
  let finished = false;
  const pulling = ctx.client().image('PullImage', { image: { image }, auth });
  const ended = pulling.then(
    () => undefined,
    () => undefined,
  );
  const poll = async () => {
    while (!finished) {
      try {
        const progress = await ctx.client().progress('PullProgress', { image });
        if (progress.found && !finished) view.update(progress.layers.map(reading));
      } catch (err) {
        if (err instanceof CriCallError && err.code === GrpcStatus.UNIMPLEMENTED) return;
      }
      await Promise.race([
        ended,
        new Promise((resolve) => setTimeout(resolve, POLL_MS[terminal ? 'terminal' : 'plain'])),
      ]);
    }
  };
  const polling = poll();
  try {
    const response = await pulling;
    finished = true;
    view.finish();
    return response;
  } finally {
    finished = true;
    await polling;
  }
}

function reading(l: { digest: string; size: string; fetched: string }) {
  return { digest: l.digest, size: Number(l.size), fetched: Number(l.fetched) };
}

export const pullCommand: Command = {
  name: 'pull',
  summary: 'Pull an image from its registry (per-layer progress as it goes)',
  usage: 'corralctl pull [--creds USER[:PASS]] [--registry-token TOKEN] [--identity-token TOKEN] REF',
  async run(ctx) {
    const { values, positionals } = parseArgs({
      args: ctx.args,
      allowPositionals: true,
      options: {
        creds: { type: 'string' },
        'registry-token': { type: 'string' },
        'identity-token': { type: 'string' },
      },
    });
    const image = positionals[0];
    if (!image) throw new Error(`usage: ${pullCommand.usage}`);
    const [username = '', ...rest] = (values.creds ?? '').split(':');
    const auth = {
      username,
      password: rest.join(':'),
      registry_token: values['registry-token'] ?? '',
      identity_token: values['identity-token'] ?? '',
    };
    // JSON output stays parseable: the progress goes to stderr then.
    const res = await pullWithProgress(ctx, image, auth, ctx.output === 'json' ? process.stderr : process.stdout);
    if (ctx.output === 'json') printJson(res);
    else process.stdout.write(`Image is up to date for ${res.image_ref}\n`);
    return 0;
  },
};
