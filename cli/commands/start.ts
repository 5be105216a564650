// corralctl start ID...: starts created containers.
import { eachIdCommand } from '../each_id_command';

export const startCommand = eachIdCommand(
  'start',
  'Start one or more created containers',
  'corralctl start CONTAINER...',
  'container',
  async (ctx, id) => {
    await ctx.client().runtime('StartContainer', { container_id: id });
    return id;
  },
);
