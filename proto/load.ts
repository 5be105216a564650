// Loads the CRI v1 services (and corral's own read-only ProgressService, proto/corral/v1/
// progress.proto) at run time from the descriptor parsed at build time
// (tools/proto_descriptor.js), with the conversions the generated types assume: field names as
// written, 64-bit integers and enums as strings, defaults filled in, the set oneof named.
// Only what grpc-js needs is built (paths and (de)serializers): proto-loader's reflection
// descriptors of every message, which nothing here reads, cost start-up time and heap.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs/light';

// dist/proto/load.js → <package>/proto/generated/cri_descriptor.json
export const CRI_DESCRIPTOR_FILE = path.resolve(__dirname, '..', '..', 'proto', 'generated', 'cri_descriptor.json');

const PACKAGE = 'runtime.v1';
const CORRAL_PACKAGE = 'corral.v1';

/** What proto-loader's keepCase, longs: String, enums: String, defaults, oneofs give. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

export interface CriServices {
  RuntimeService: grpc.ServiceClientConstructor;
  ImageService: grpc.ServiceClientConstructor;
}

let cachedRoot: protobuf.Root | undefined;
let cached: CriServices | undefined;
let progressService: grpc.ServiceClientConstructor | undefined;

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => {
    if (Array.isArray(value)) throw new Error(`cannot serialize an array as ${type.name}`);
    return type.encode(type.fromObject(value)).finish() as Buffer;
  };
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), TO_OBJECT);
}

function methodDefinition(
  pkg: string,
  service: string,
  method: protobuf.Method,
): grpc.MethodDefinition<object, object> {
  const request = method.resolvedRequestType!;
  const response = method.resolvedResponseType!;
  return {
    path: `/${pkg}.${service}/${method.name}`,
    requestStream: method.requestStream === true,
    responseStream: method.responseStream === true,
    requestSerialize: serializer(request),
    requestDeserialize: deserializer(request),
    responseSerialize: serializer(response),
    responseDeserialize: deserializer(response),
    originalName: method.name[0].toLowerCase() + method.name.slice(1),
  };
}

function serviceConstructor(root: protobuf.Root, pkg: string, name: string): grpc.ServiceClientConstructor {
  const service = root.lookupService(`${pkg}.${name}`);
  const methods = Object.fromEntries(service.methodsArray.map((m) => [m.name, methodDefinition(pkg, name, m)]));
  return grpc.makeClientConstructor(methods, name);
}

function descriptorRoot(): protobuf.Root {
  if (!cachedRoot) {
    cachedRoot = protobuf.Root.fromJSON(JSON.parse(readFileSync(CRI_DESCRIPTOR_FILE, 'utf8')) as protobuf.INamespace);
    cachedRoot.resolveAll();
  }
  return cachedRoot;
}

export function loadCriServices(): CriServices {
  if (!cached) {
    const root = descriptorRoot();
    cached = {
      RuntimeService: serviceConstructor(root, PACKAGE, 'RuntimeService'),
      ImageService: serviceConstructor(root, PACKAGE, 'ImageService'),
    };
  }
  return cached;
}

/** corral's own service beside CRI on the same socket: not CRI, so other runtimes lack it. */
export function loadProgressService(): grpc.ServiceClientConstructor {
  progressService ??= serviceConstructor(descriptorRoot(), CORRAL_PACKAGE, 'ProgressService');
  return progressService;
}
