// corralctl inspectp ID: a pod's full status and verbose info as JSON.
import { eachIdCommand } from '../each_id_command';
import { parsedInfo } from './inspect';

export const inspectpCommand = eachIdCommand(
  'inspectp',
  'Show the status of one or more pod sandboxes (JSON)',
  'corralctl inspectp POD...',
  'pod',
  async (ctx, id) => {
    const response = await ctx.client().runtime('PodSandboxStatus', { pod_sandbox_id: id, verbose: true });
    return JSON.stringify({ status: response.status, info: parsedInfo(response.info) }, null, 2);
  },
);
