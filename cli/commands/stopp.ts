// corralctl stopp ID...: stops pods (every container, then the infra).
import { eachIdCommand } from '../each_id_command';

export const stoppCommand = eachIdCommand(
  'stopp',
  'Stop one or more pod sandboxes',
  'corralctl stopp POD...',
  'pod',
  async (ctx, id) => {
    await ctx.client().runtime('StopPodSandbox', { pod_sandbox_id: id });
    return `Stopped sandbox ${id}`;
  },
);
