// A unary CRI call whose answer is left as bytes: what the server and the wire cost, not the
// client's decoding (kubelet's Go decoder is far faster than protobufjs). Resolves to the size.
import type * as grpc from '@grpc/grpc-js';
import { loadCriServices } from '../proto/load';

export function rawCall(client: grpc.Client, method: string, request: object = {}): Promise<number> {
  const definition = loadCriServices().RuntimeService.service[method];
  if (!definition) return Promise.reject(new Error(`no RuntimeService method ${method}`));
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      `/runtime.v1.RuntimeService/${method}`,
      (r: object) => definition.requestSerialize(r),
      (b: Buffer) => b,
      request,
      (err, bytes) => (err ? reject(err) : resolve(bytes?.length ?? 0)),
    ),
  );
}
