// One wrapper around every RPC: times it, logs it, and maps failures through error_mapper.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../runtime/log';
import type { ServerContext } from './context';
import type { RpcEntry, StreamHandler, UnaryHandler } from './rpc';
import { isClientFault, toGrpcFailure } from './error_mapper';
import { checkRequest } from './validation/request_checks';

/** Aborts open server streams at shutdown so a graceful stop is not held open by watchers. */
export class OpenStreams {
  private readonly controllers = new Set<AbortController>();

  open(): AbortController {
    const controller = new AbortController();
    this.controllers.add(controller);
    return controller;
  }

  close(controller: AbortController): void {
    this.controllers.delete(controller);
  }

  abortAll(): void {
    for (const controller of this.controllers) controller.abort();
  }
}

function logFailure(log: Logger, method: string, started: bigint, err: unknown): ReturnType<typeof toGrpcFailure> {
  const failure = toGrpcFailure(err);
  const fields = { method, ms: elapsedMs(started), code: failure.code, error: failure.details };
  if (isClientFault(failure.code)) log.warn('rpc failed', fields);
  else log.error('rpc failed', { ...fields, stack: err instanceof Error ? err.stack : undefined });
  return failure;
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Counts the request in corrald's own metrics (when they are on) under its gRPC code's name. */
function observe(ctx: ServerContext, method: string, started: bigint, code: grpc.status): void {
  ctx.daemonMetrics?.observeRpc(method, grpc.status[code] ?? String(code), elapsedMs(started) / 1000);
}

export function wrapUnary(
  ctx: ServerContext,
  log: Logger,
  method: string,
  handler: UnaryHandler,
): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const started = process.hrtime.bigint();
    // async: a synchronous throw (a bad id, a handler bug) becomes a rejection like any other failure.
    const run = async () => {
      checkRequest(method, call.request);
      return handler(ctx, call.request as never);
    };
    run().then(
      (response) => {
        log.debug('rpc', { method, ms: elapsedMs(started) });
        observe(ctx, method, started, grpc.status.OK);
        callback(null, response);
      },
      (err) => {
        const failure = logFailure(log, method, started, err);
        observe(ctx, method, started, failure.code);
        callback({ code: failure.code, details: failure.details });
      },
    );
  };
}

export function wrapStream(
  ctx: ServerContext,
  log: Logger,
  method: string,
  handler: StreamHandler,
  streams: OpenStreams,
): grpc.handleServerStreamingCall<unknown, unknown> {
  return (call) => {
    const started = process.hrtime.bigint();
    const controller = streams.open();
    call.on('cancelled', () => controller.abort());
    const send = (message: unknown) => {
      call.write(message);
    };
    // Headers go out at once, so a client can tell the stream is open before the first message.
    call.sendMetadata(new grpc.Metadata());
    Promise.resolve()
      .then(() => {
        checkRequest(method, call.request);
        return handler(ctx, call.request as never, send, controller.signal);
      })
      .then(
        () => {
          log.debug('rpc stream ended', { method, ms: elapsedMs(started) });
          observe(ctx, method, started, grpc.status.OK);
          call.end();
        },
        (err) => {
          const failure = logFailure(log, method, started, err);
          observe(ctx, method, started, failure.code);
          call.emit('error', { code: failure.code, details: failure.details });
        },
      )
      .finally(() => streams.close(controller));
  };
}

export function wrapEntry(ctx: ServerContext, log: Logger, method: string, entry: RpcEntry, streams: OpenStreams) {
  return entry.kind === 'unary'
    ? wrapUnary(ctx, log, method, entry.handler)
    : wrapStream(ctx, log, method, entry.handler, streams);
}
