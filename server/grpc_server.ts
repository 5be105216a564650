// Registers every method of both CRI services, and corral's read-only ProgressService, on a
// grpc-js server, through the one wrapper. The socket is served while corrald recovers its state:
// every method but Version waits for that first.
import * as grpc from '@grpc/grpc-js';
import { loadCriServices, loadProgressService } from '../proto/load';
import { pullProgress } from './pull_progress';
import { UnimplementedError } from '../runtime/errors';
import type { Logger } from '../runtime/log';
import type { ServerContext } from './context';
import type { RpcEntry } from './rpc';
import { acceptEncoded } from './encoded_response';
import { OpenStreams, wrapEntry } from './rpc_wrapper';
import { PENDING_CAPABILITY, RPC_TABLE } from './rpc_table';
import { MAX_MESSAGE_BYTES } from './validation/limits';

function pendingEntry(method: string, streaming: boolean): RpcEntry {
  const message = `${method} is not implemented yet in corral (arrives with ${PENDING_CAPABILITY[method] ?? 'a later release'})`;
  return streaming
    ? {
        kind: 'stream',
        handler: async () => {
          throw new UnimplementedError(message);
        },
      }
    : {
        kind: 'unary',
        handler: async () => {
          throw new UnimplementedError(message);
        },
      };
}

/** Methods that read nothing recovery makes: answered at once while it runs. */
const SERVED_DURING_RECOVERY = new Set(['RuntimeService.Version']);

function afterRecovery(entry: RpcEntry, recovered: Promise<unknown>): RpcEntry {
  if (entry.kind === 'unary') {
    const handler = entry.handler;
    return {
      kind: 'unary',
      handler: async (ctx, request) => {
        await recovered;
        return handler(ctx, request);
      },
    };
  }
  const handler = entry.handler;
  return {
    kind: 'stream',
    handler: async (ctx, request, send, signal) => {
      await recovered;
      return handler(ctx, request, send, signal);
    },
  };
}

export function buildServer(
  ctx: ServerContext,
  log: Logger,
  streams: OpenStreams,
  recovered: Promise<unknown> = Promise.resolve(),
): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
  });
  const services = loadCriServices();
  for (const serviceName of ['RuntimeService', 'ImageService'] as const) {
    const definition = Object.fromEntries(
      Object.entries(services[serviceName].service).map(([method, spec]) => [method, acceptEncoded(spec)]),
    ) as grpc.ServiceDefinition;
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, spec] of Object.entries(definition)) {
      const name = `${serviceName}.${method}`;
      const entry = RPC_TABLE[name] ?? pendingEntry(method, spec.responseStream);
      const gated = SERVED_DURING_RECOVERY.has(name) ? entry : afterRecovery(entry, recovered);
      implementation[method] = wrapEntry(ctx, log, name, gated, streams);
    }
    server.addService(definition, implementation);
  }
  const progress = afterRecovery({ kind: 'unary', handler: pullProgress }, recovered);
  server.addService(loadProgressService().service, {
    PullProgress: wrapEntry(ctx, log, 'ProgressService.PullProgress', progress, streams),
  });
  return server;
}
