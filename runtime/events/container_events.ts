// Container lifecycle events (created, started, stopped, deleted) for GetContainerEvents.
// In-process only: a subscriber sees what happens while it listens, as with containerd.
export type ContainerEventKind = 'created' | 'started' | 'stopped' | 'deleted';

export interface ContainerEvent {
  containerId: string;
  podId: string;
  kind: ContainerEventKind;
  /** Nanoseconds since the epoch. */
  at: string;
}

export type ContainerEventListener = (event: ContainerEvent) => void;

export class ContainerEventBus {
  private readonly listeners = new Set<ContainerEventListener>();

  subscribe(listener: ContainerEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(event: ContainerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
