// List answers assembled from per-record protobuf bytes. Encoding is what a List costs (about
// 0.5 ms per container through protobufjs, against a microsecond to copy bytes), and records are
// immutable (a change replaces the record object), so each record's item is encoded once, as a
// one-item response, and a List concatenates those: protobuf appends repeated fields of
// concatenated messages, so the bytes are exactly the many-item response.
import type * as grpc from '@grpc/grpc-js';
import { EncodedResponse } from './encoded_response';

export class EncodedItems<R extends object, Item> {
  private readonly cache = new WeakMap<R, Buffer>();

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
    return new EncodedResponse(Buffer.concat(records.map((record) => this.bytesOf(record))));
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
