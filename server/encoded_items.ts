// List answers assembled from per-record protobuf bytes. Encoding is what a List costs (about
// 0.5 ms per container through protobufjs, against a microsecond to copy bytes), and records are
// immutable (a change replaces the record object), so each record's item is encoded once, as a
// one-item response, and a List concatenates those: protobuf appends repeated fields of
// concatenated messages, so the bytes are exactly the many-item response.
import type * as grpc from '@grpc/grpc-js';
import { EncodedResponse } from './encoded_response';

export class EncodedItems<R extends object, Item> {
  private readonly cache = new WeakMap<R, Buffer>();
  /** The last answer: kubelet relists every second, mostly finding the very same records. */
  private last: { records: readonly R[]; bytes: Buffer } = { records: [], bytes: Buffer.alloc(0) };

  /**
   * @param method the List method whose response this builds
   * @param wrap the response holding exactly one item (e.g. `{ containers: [item] }`)
   */
  constructor(
    private readonly method: () => grpc.MethodDefinition<unknown, unknown>,
    private readonly toItem: (record: R) => Item,
    private readonly wrap: (item: Item) => unknown,
  ) {}

  response(records: readonly R[]): EncodedResponse {
    if (!sameRecords(records, this.last.records)) {
      this.last = { records, bytes: Buffer.concat(records.map((record) => this.bytesOf(record))) };
    }
    return new EncodedResponse(this.last.bytes);
  }

  private bytesOf(record: R): Buffer {
    let bytes = this.cache.get(record);
    if (!bytes) {
      bytes = this.method().responseSerialize(this.wrap(this.toItem(record)));
      this.cache.set(record, bytes);
    }
    return bytes;
  }
}

/** Records are replaced on every change, so the same objects in the same order mean the same answer. */
function sameRecords<R>(a: readonly R[], b: readonly R[]): boolean {
  return a.length === b.length && a.every((record, i) => record === b[i]);
}
