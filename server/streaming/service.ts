// The streaming subsystem as RPC handlers see it: cache a validated request, hand back its URL.
import type { StreamingBackend } from '../../runtime/streaming/contract';
import { StreamingServer, type StreamingServerSettings } from './http_server';
import { DEFAULT_TOKEN_TTL_MS, RequestCache, type StreamingRequest } from './request_cache';

/** kubelet's: how long a client has to open every stream of a session once upgraded. */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface StreamingServiceSettings {
  address: string;
  port: number;
  idleTimeoutMs: number;
  tokenTtlMs?: number;
  /** Defaults below suit tests; corrald passes its configured values. */
  maxConnections?: number;
  requestTimeoutMs?: number;
  writeStallTimeoutMs?: number;
}

const DEFAULT_MAX_CONNECTIONS = 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

export class StreamingService {
  private constructor(
    readonly backend: StreamingBackend,
    private readonly cache: RequestCache,
    private readonly server: StreamingServer,
  ) {}

  static async start(settings: StreamingServiceSettings, backend: StreamingBackend): Promise<StreamingService> {
    const cache = new RequestCache(settings.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS);
    const serverSettings: StreamingServerSettings = {
      address: settings.address,
      port: settings.port,
      idleTimeoutMs: settings.idleTimeoutMs,
      streamCreationTimeoutMs: STREAM_CREATION_TIMEOUT_MS,
      maxConnections: settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      requestTimeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      writeStallTimeoutMs: settings.writeStallTimeoutMs,
    };
    const server = new StreamingServer(cache, backend, serverSettings);
    await server.start();
    return new StreamingService(backend, cache, server);
  }

  /** Caches `request` under a fresh single-use token and returns the URL that serves it. */
  issue(request: StreamingRequest): string {
    const token = this.cache.insert(request);
    return `${this.server.baseUrl}/${request.kind}/${token}`;
  }

  /** Exec, attach and port-forward sessions open now. */
  get sessionCount(): number {
    return this.server.sessionCount;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
