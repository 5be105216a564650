// Registers every method of both CRI services, and corral's read-only ProgressService, on a
// grpc-js server, through the one wrapper.
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

export function buildServer(ctx: ServerContext, log: Logger, streams: OpenStreams): grpc.Server {
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
      const entry = RPC_TABLE[`${serviceName}.${method}`] ?? pendingEntry(method, spec.responseStream);
      implementation[method] = wrapEntry(ctx, log, `${serviceName}.${method}`, entry, streams);
    }
    server.addService(definition, implementation);
  }
  const progress = { kind: 'unary', handler: pullProgress } as RpcEntry;
  server.addService(loadProgressService().service, {
    PullProgress: wrapEntry(ctx, log, 'ProgressService.PullProgress', progress, streams),
  });
  return server;
}
