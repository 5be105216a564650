// What in-flight pulls are using, so garbage collection never deletes a blob or layer that a
// pull has fetched but not yet recorded.
export interface Lease {
  blobs: Set<string>;
  chains: Set<string>;
  release(): void;
}

export class Leases {
  private readonly active = new Set<Lease>();

  open(): Lease {
    const lease: Lease = { blobs: new Set(), chains: new Set(), release: () => this.active.delete(lease) };
    this.active.add(lease);
    return lease;
  }

  blobs(): Set<string> {
    return new Set([...this.active].flatMap((l) => [...l.blobs]));
  }

  chains(): Set<string> {
    return new Set([...this.active].flatMap((l) => [...l.chains]));
  }
}
