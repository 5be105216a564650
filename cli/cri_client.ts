// A typed, promise-based CRI client over the unix socket, shared by corralctl, the conformance
// suite and the benchmarks. Types come from the generated proto definitions.
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { loadCriServices, loadProgressService } from '../proto/load';
import type { RuntimeServiceDefinition } from '../proto/generated/runtime/v1/RuntimeService';
import type { ImageServiceDefinition } from '../proto/generated/runtime/v1/ImageService';
import type { ProgressServiceDefinition } from '../proto/generated/corral/v1/ProgressService';

type RequestOf<D> = D extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;
type ResponseOf<D> = D extends MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;

/** How grpc-js's generated client exposes each method (looked up by name: the CRI types above check the name). */
type UnaryMethod = (
  request: unknown,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response: unknown) => void,
) => grpc.ClientUnaryCall;
type StreamMethod = (request: unknown) => grpc.ClientReadableStream<unknown>;

export const DEFAULT_ENDPOINT = 'unix:///run/corral/corral.sock';

/** Accepts "unix:///path", "unix:/path" or a bare "/path". */
export function normaliseEndpoint(endpoint: string): string {
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  return endpoint;
}

/** A gRPC failure as the client sees it: code name and details. */
export class CriCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(`${method}: ${grpc.status[code] ?? code}: ${details}`);
  }
}

export class CriClient {
  private readonly runtimeClient: grpc.Client;
  private readonly imageClient: grpc.Client;
  private progressClient?: grpc.Client;

  constructor(
    readonly endpoint: string = DEFAULT_ENDPOINT,
    private readonly timeoutMs = 120_000,
  ) {
    const services = loadCriServices();
    const target = normaliseEndpoint(endpoint);
    const credentials = grpc.credentials.createInsecure();
    this.runtimeClient = new services.RuntimeService(target, credentials);
    this.imageClient = new services.ImageService(target, credentials);
  }

  runtime<K extends keyof RuntimeServiceDefinition & string>(
    method: K,
    request: RequestOf<RuntimeServiceDefinition[K]>,
  ): Promise<ResponseOf<RuntimeServiceDefinition[K]>> {
    return this.unary(this.runtimeClient, method, request);
  }

  image<K extends keyof ImageServiceDefinition & string>(
    method: K,
    request: RequestOf<ImageServiceDefinition[K]>,
  ): Promise<ResponseOf<ImageServiceDefinition[K]>> {
    return this.unary(this.imageClient, method, request);
  }

  /** corral's own read-only ProgressService (not CRI: other runtimes answer UNIMPLEMENTED). */
  progress<K extends keyof ProgressServiceDefinition & string>(
    method: K,
    request: RequestOf<ProgressServiceDefinition[K]>,
  ): Promise<ResponseOf<ProgressServiceDefinition[K]>> {
    // Made on first use: only the pull display asks.
    this.progressClient ??= new (loadProgressService())(
      normaliseEndpoint(this.endpoint),
      grpc.credentials.createInsecure(),
    );
    return this.unary(this.progressClient, method, request);
  }

  /** Opens a server stream (e.g. GetContainerEvents); the caller reads and cancels it. */
  runtimeStream<K extends keyof RuntimeServiceDefinition & string>(
    method: K,
    request: RequestOf<RuntimeServiceDefinition[K]>,
  ): grpc.ClientReadableStream<ResponseOf<RuntimeServiceDefinition[K]>> {
    const methods = this.runtimeClient as unknown as Record<string, StreamMethod>;
    return methods[method](request) as grpc.ClientReadableStream<ResponseOf<RuntimeServiceDefinition[K]>>;
  }

  imageStream<K extends keyof ImageServiceDefinition & string>(
    method: K,
    request: RequestOf<ImageServiceDefinition[K]>,
  ): grpc.ClientReadableStream<ResponseOf<ImageServiceDefinition[K]>> {
    const methods = this.imageClient as unknown as Record<string, StreamMethod>;
    return methods[method](request) as grpc.ClientReadableStream<ResponseOf<ImageServiceDefinition[K]>>;
  }

  close(): void {
    this.runtimeClient.close();
    this.imageClient.close();
    this.progressClient?.close();
  }

  private unary<Res>(client: grpc.Client, method: string, request: unknown): Promise<Res> {
    const deadline = new Date(Date.now() + this.timeoutMs);
    return new Promise((resolve, reject) => {
      const methods = client as unknown as Record<string, UnaryMethod>;
      methods[method](request, { deadline }, (err, response) => {
        if (err) reject(new CriCallError(method, err.code, err.details));
        else resolve(response as Res);
      });
    });
  }
}
