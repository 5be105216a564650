// Registers every method of both CRI services, and corral's read-only ProgressService, on a
// grpc-js server, through the one wrapper. The socket is served while corrald recovers its state:
// every method but Version waits for that first. Their handlers (rpc_table.ts, which imports the
// whole runtime) load only then too: what the socket needs to be served loads before it.
import * as grpc from '@grpc/grpc-js';
import { loadCriServices, loadProgressService } from '../proto/load';
import { pullProgress } from './pull_progress';
import { UnimplementedError } from '../runtime/errors';
import type { Logger } from '../runtime/log';
import type { ServerContext } from './context';
import type { RpcEntry } from './rpc';
import { acceptEncoded } from './encoded_response';
import { OpenStreams, wrapEntry } from './rpc_wrapper';
import { runtimeVersion } from './runtime_version';
import { MAX_MESSAGE_BYTES } from './validation/limits';

type RpcTable = Record<string, RpcEntry>;

function pendingEntry(method: string, streaming: boolean, pending: Record<string, string>): RpcEntry {
  const message = `${method} is not implemented yet in corral (arrives with ${pending[method] ?? 'a later release'})`;
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
const SERVED_DURING_RECOVERY: RpcTable = { 'RuntimeService.Version': { kind: 'unary', handler: runtimeVersion } };

type UnaryEntry = Extract<RpcEntry, { kind: 'unary' }>;
type StreamEntry = Extract<RpcEntry, { kind: 'stream' }>;

/** The method's handler from `handlers`, which holds every handler once recovery is done. */
function afterRecovery(name: string, streaming: boolean, handlers: Promise<RpcTable>): RpcEntry {
  const loaded = async (kind: RpcEntry['kind']) => {
    const entry = (await handlers)[name];
    if (entry.kind !== kind) throw new Error(`${name} is a ${kind} method; its handler is not`);
    return entry;
  };
  return streaming
    ? {
        kind: 'stream',
        handler: async (ctx, request, send, signal) =>
          ((await loaded('stream')) as StreamEntry).handler(ctx, request, send, signal),
      }
    : { kind: 'unary', handler: async (ctx, request) => ((await loaded('unary')) as UnaryEntry).handler(ctx, request) };
}

/** Every method's handler, or its UNIMPLEMENTED answer, loaded once recovery is done. */
async function loadHandlers(recovered: Promise<unknown>, methods: Map<string, boolean>): Promise<RpcTable> {
  await recovered;
  const { RPC_TABLE, PENDING_CAPABILITY } = await import('./rpc_table');
  const table: RpcTable = { 'ProgressService.PullProgress': { kind: 'unary', handler: pullProgress } };
  for (const [name, streaming] of methods) {
    table[name] = RPC_TABLE[name] ?? pendingEntry(name.split('.')[1], streaming, PENDING_CAPABILITY);
  }
  return table;
}

/**
 * Builds Version's message types (and protobufjs's code for them) now rather than in the first
 * Version call (~4 ms): called in the turn after the socket is served, while the first client is
 * still connecting.
 */
export function prepareFirstCall(): void {
  const version = loadCriServices().RuntimeService.service.Version;
  version.requestDeserialize(Buffer.alloc(0));
  version.responseSerialize({});
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
  const definitions = (['RuntimeService', 'ImageService'] as const).map((serviceName) => {
    const definition: grpc.ServiceDefinition = Object.fromEntries(
      Object.entries(services[serviceName].service).map(([method, spec]) => [method, acceptEncoded(spec)]),
    );
    return { serviceName, definition };
  });
  const methods = new Map<string, boolean>();
  for (const { serviceName, definition } of definitions) {
    for (const [method, spec] of Object.entries(definition))
      methods.set(`${serviceName}.${method}`, spec.responseStream);
  }
  const handlers = loadHandlers(recovered, methods);
  handlers.catch(() => undefined); // a failed recovery stops the server; RPCs waiting fail with it
  for (const { serviceName, definition } of definitions) {
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, spec] of Object.entries(definition)) {
      const name = `${serviceName}.${method}`;
      const entry = SERVED_DURING_RECOVERY[name] ?? afterRecovery(name, spec.responseStream, handlers);
      implementation[method] = wrapEntry(ctx, log, name, entry, streams);
    }
    server.addService(definition, implementation);
  }
  const progress = afterRecovery('ProgressService.PullProgress', false, handlers);
  server.addService(loadProgressService().service, {
    PullProgress: wrapEntry(ctx, log, 'ProgressService.PullProgress', progress, streams),
  });
  return server;
}
