// What an RPC handler is: a function from a decoded request to a response, given the daemon's
// context. Handlers throw typed errors from runtime/errors.ts and never touch gRPC statuses.
import type { ServerContext } from './context';

// The defaults make one table hold handlers of every method: any handler is a
// UnaryHandler<never, unknown>, and the wrapper passes grpc-js's decoded request for that method.
export type UnaryHandler<Req = never, Res = unknown> = (ctx: ServerContext, request: Req) => Promise<Res>;

/** A server-streaming handler writes messages with `send` until `signal` aborts or it returns. */
export type StreamHandler<Req = never, Res = unknown> = (
  ctx: ServerContext,
  request: Req,
  send: (message: Res) => void,
  signal: AbortSignal,
) => Promise<void>;

export type RpcEntry = { kind: 'unary'; handler: UnaryHandler } | { kind: 'stream'; handler: StreamHandler };
