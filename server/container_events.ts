// GetContainerEvents: a stream of container created/started/stopped/deleted events, each with
// its pod's status and container statuses at that moment (what kubelet's evented PLEG reads).
import type { ContainerEventResponse } from '../proto/generated/runtime/v1/ContainerEventResponse';
import type { GetEventsRequest__Output } from '../proto/generated/runtime/v1/GetEventsRequest';
import type { ContainerEvent, ContainerEventKind } from '../runtime/events/container_events';
import type { ServerContext } from './context';
import { containerStatusToCri } from './cri_container_status';
import { podSandboxStatusToCri } from './cri_pod_status';

const EVENT_TYPE: Record<ContainerEventKind, ContainerEventResponse['container_event_type']> = {
  created: 'CONTAINER_CREATED_EVENT',
  started: 'CONTAINER_STARTED_EVENT',
  stopped: 'CONTAINER_STOPPED_EVENT',
  deleted: 'CONTAINER_DELETED_EVENT',
};

function eventResponse(ctx: ServerContext, event: ContainerEvent): ContainerEventResponse {
  const pod = ctx.lifecycle.sandboxes.deps.store.get(event.podId);
  return {
    container_id: event.containerId,
    container_event_type: EVENT_TYPE[event.kind],
    created_at: event.at,
    pod_sandbox_status: pod ? podSandboxStatusToCri(pod) : null,
    containers_statuses: ctx.lifecycle.containers.listInPod(event.podId).map(containerStatusToCri),
  };
}

export async function containerEvents(
  ctx: ServerContext,
  _request: GetEventsRequest__Output,
  send: (message: ContainerEventResponse) => void,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  const unsubscribe = ctx.lifecycle.events.subscribe((event) => send(eventResponse(ctx, event)));
  try {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    unsubscribe();
  }
}
