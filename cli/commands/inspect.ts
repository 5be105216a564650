// corralctl inspect ID: a container's full status and verbose info (pid, spec) as JSON.
import { eachIdCommand } from '../each_id_command';

/** The verbose info values are JSON text; show them as objects. */
export function parsedInfo(info: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(info).map(([key, value]) => {
      try {
        return [key, JSON.parse(value)];
      } catch {
        return [key, value];
      }
    }),
  );
}

export const inspectCommand = eachIdCommand(
  'inspect',
  'Show the status of one or more containers (JSON)',
  'corralctl inspect CONTAINER...',
  'container',
  async (ctx, id) => {
    const response = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: true });
    return JSON.stringify({ status: response.status, info: parsedInfo(response.info) }, null, 2);
  },
);
