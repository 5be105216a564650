// Loads the CRI v1 definition (and corral's own read-only ProgressService) at run time, with the
// options the generated types assume.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// dist/proto/load.js → <package>/proto/runtime/v1/api.proto
export const CRI_PROTO_FILE = path.resolve(__dirname, '..', '..', 'proto', 'runtime', 'v1', 'api.proto');

/** corral's own service beside CRI on the same socket (proto/corral/v1/progress.proto). */
export const CORRAL_PROTO_FILE = path.resolve(__dirname, '..', '..', 'proto', 'corral', 'v1', 'progress.proto');

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface CriServices {
  RuntimeService: grpc.ServiceClientConstructor;
  ImageService: grpc.ServiceClientConstructor;
}

let cached: CriServices | undefined;

export function loadCriServices(): CriServices {
  if (!cached) {
    const definition = protoLoader.loadSync(CRI_PROTO_FILE, LOADER_OPTIONS);
    // The package tree is built at run time from api.proto; its shape is the proto's package path.
    const pkg = grpc.loadPackageDefinition(definition) as unknown as { runtime: { v1: CriServices } };
    cached = { RuntimeService: pkg.runtime.v1.RuntimeService, ImageService: pkg.runtime.v1.ImageService };
  }
  return cached;
}

let progressService: grpc.ServiceClientConstructor | undefined;

export function loadProgressService(): grpc.ServiceClientConstructor {
  if (!progressService) {
    const definition = protoLoader.loadSync(CORRAL_PROTO_FILE, LOADER_OPTIONS);
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      corral: { v1: { ProgressService: grpc.ServiceClientConstructor } };
    };
    progressService = pkg.corral.v1.ProgressService;
  }
  return progressService;
}
