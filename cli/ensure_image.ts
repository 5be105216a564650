// Pull-if-absent for the commands that make containers (run, create), as crictl does: the pull's
// progress goes to stderr, leaving stdout to the command's own output.
import type { CommandContext } from './command';
import { pullWithProgress } from './commands/pull';

export async function ensureImage(ctx: CommandContext, image: string): Promise<void> {
  const { image: present } = await ctx.client().image('ImageStatus', { image: { image }, verbose: false });
  if (present) return;
  process.stderr.write(`pulling ${image}\n`);
  await pullWithProgress(ctx, image, null, process.stderr);
}
