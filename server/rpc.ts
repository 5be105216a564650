// What an RPC handler is: a function from a decoded request to a response, given the daemon's
// context. Handlers throw typed errors from runtime/errors.ts and never touch gRPC statuses.
import type { ServerContext } from './context';

export type UnaryHandler<Req = any, Res = any> = (ctx: ServerContext, request: Req) => Promise<Res>;

/** A server-streaming handler writes messages with `send` until `signal` aborts or it returns. */
export type StreamHandler<Req = any, Res = any> = (
  ctx: ServerContext,
  request: Req,
  send: (message: Res) => void,
  signal: AbortSignal,
) => Promise<void>;

export type RpcEntry = { kind: 'unary'; handler: UnaryHandler } | { kind: 'stream'; handler: StreamHandler };
