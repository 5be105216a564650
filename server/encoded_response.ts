// A response already in protobuf bytes. A handler whose answer is large and shared by many
// requests (pod metrics) encodes it once and returns this; the server's serializer passes the
// bytes through instead of encoding the message again for every caller.
import type * as grpc from '@grpc/grpc-js';

export class EncodedResponse {
  constructor(readonly bytes: Buffer) {}
}

/** Wraps a method's response serializer so it passes EncodedResponse bytes through. */
export function acceptEncoded(
  method: grpc.MethodDefinition<unknown, unknown>,
): grpc.MethodDefinition<unknown, unknown> {
  const serialize = method.responseSerialize;
  return {
    ...method,
    responseSerialize: (value: unknown) => (value instanceof EncodedResponse ? value.bytes : serialize(value)),
  };
}

/** Encodes `message` as `method`'s response, once. */
export function encodeResponse<T>(method: grpc.MethodDefinition<unknown, T>, message: T): EncodedResponse {
  return new EncodedResponse(method.responseSerialize(message));
}
