// corralctl events [-o json]: follows GetContainerEvents (created, started, stopped, deleted) as
// `crictl events` does, one line per event, until interrupted or corrald goes away.
import type { ContainerEventResponse__Output } from '../../proto/generated/runtime/v1/ContainerEventResponse';
import type { Command } from '../command';
import { commandArgs } from '../command_args';
import { nsToIso } from '../time_format';

const KIND_NAMES: Record<string, string> = {
  CONTAINER_CREATED_EVENT: 'created',
  CONTAINER_STARTED_EVENT: 'started',
  CONTAINER_STOPPED_EVENT: 'stopped',
  CONTAINER_DELETED_EVENT: 'deleted',
};

function line(event: ContainerEventResponse__Output, json: boolean): string {
  const kind = KIND_NAMES[event.container_event_type] ?? event.container_event_type;
  const pod = event.pod_sandbox_status?.id ?? '';
  if (json) {
    return JSON.stringify({
      time: nsToIso(event.created_at),
      event: kind,
      containerId: event.container_id,
      podId: pod,
    });
  }
  const name = event.containers_statuses?.find((c) => c.id === event.container_id)?.metadata?.name ?? '';
  return `${nsToIso(event.created_at)}  ${kind.padEnd(8)} ${event.container_id.slice(0, 13)}  ${name}`;
}

export const eventsCommand: Command = {
  name: 'events',
  summary: 'Follow container events (created, started, stopped, deleted)',
  usage: 'corralctl events [-o json]',
  async run(ctx) {
    commandArgs(ctx.args, {}, this.usage, 0);
    const json = ctx.output === 'json';
    const stream = ctx.client().runtimeStream('GetContainerEvents', {});
    const stop = () => stream.cancel();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return new Promise<number>((resolve) => {
      stream.on('data', (event: ContainerEventResponse__Output) => process.stdout.write(`${line(event, json)}\n`));
      stream.on('error', (err: Error & { code?: number }) => {
        const cancelled = err.code === 1;
        if (!cancelled) process.stderr.write(`corralctl events: ${err.message}\n`);
        resolve(cancelled ? 0 : 1);
      });
      stream.on('end', () => resolve(0));
    });
  },
};
