// corralctl rmp ID...: removes pods with their containers.
import { eachIdCommand } from '../each_id_command';

export const rmpCommand = eachIdCommand(
  'rmp',
  'Remove one or more pod sandboxes (and their containers)',
  'corralctl rmp POD_ID...',
  async (ctx, id) => {
    await ctx.client().runtime('RemovePodSandbox', { pod_sandbox_id: id });
    return `Removed sandbox ${id}`;
  },
);
