// Loads the CRI v1 services (and corral's own read-only ProgressService, proto/corral/v1/
// progress.proto) at run time from the descriptor parsed at build time
// (tools/proto_descriptor.js), with the conversions the generated types assume: field names as
// written, 64-bit integers and enums as strings, defaults filled in, the set oneof named.
// Only what grpc-js needs is built (paths and (de)serializers): proto-loader's reflection
// descriptors of every message, which nothing here reads, cost start-up time and heap. Each
// method's message types are built on its first call (messageType).
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

interface MessageJson {
  fields?: Record<string, { type: string; keyType?: string }>;
  nested?: Record<string, MessageJson>;
}
interface MethodJson {
  requestType: string;
  responseType: string;
  requestStream?: boolean;
  responseStream?: boolean;
}
interface PackageJson {
  nested: Record<string, MessageJson & { methods?: Record<string, MethodJson> }>;
}

let descriptor: protobuf.INamespace | undefined;
let root: protobuf.Root | undefined;
/** Names of the package types already added to `root`, per package. */
const added = new Map<string, Set<string>>();
let cached: CriServices | undefined;
let progressService: grpc.ServiceClientConstructor | undefined;

function packageJson(pkg: string): PackageJson {
  descriptor ??= JSON.parse(readFileSync(CRI_DESCRIPTOR_FILE, 'utf8')) as protobuf.INamespace;
  let ns = descriptor as { nested?: Record<string, unknown> };
  for (const part of pkg.split('.')) ns = ns.nested![part] as typeof ns;
  return ns as PackageJson;
}

/** The package types `name` needs (itself, its fields' types, theirs…): all CRI types refer by simple name. */
function closure(pkg: PackageJson, name: string): Set<string> {
  const names = new Set<string>();
  const visit = (message: MessageJson) => {
    for (const field of Object.values(message.fields ?? {})) {
      const top = field.type.split('.')[0];
      if (pkg.nested[top] && !names.has(top)) {
        names.add(top);
        visit(pkg.nested[top]);
      }
    }
    for (const nested of Object.values(message.nested ?? {})) visit(nested);
  };
  names.add(name);
  visit(pkg.nested[name]);
  return names;
}

/**
 * The message type, built on first use with only the types it needs: building every CRI type
 * (~190) up front cost ~10 ms of corrald's start. Types are added to one root, each once.
 */
function messageType(pkg: string, name: string): protobuf.Type {
  root ??= protobuf.Root.fromJSON({ nested: { runtime: { nested: { v1: {} } }, corral: { nested: { v1: {} } } } });
  const json = packageJson(pkg);
  const ns = root.lookup(pkg) as protobuf.Namespace;
  const have = added.get(pkg) ?? new Set<string>();
  added.set(pkg, have);
  for (const member of closure(json, name)) {
    if (have.has(member)) continue;
    const memberJson = json.nested[member] as protobuf.IType & protobuf.IEnum;
    ns.add(memberJson.fields ? protobuf.Type.fromJSON(member, memberJson) : protobuf.Enum.fromJSON(member, memberJson));
    have.add(member);
  }
  root.resolveAll();
  return ns.lookupType(name);
}

/** Resolves the type on the first call, so a method nobody calls never builds its types. */
function lazyType(pkg: string, name: string): () => protobuf.Type {
  let type: protobuf.Type | undefined;
  return () => (type ??= messageType(pkg, name));
}

function serializer(type: () => protobuf.Type): (value: object) => Buffer {
  return (value) => {
    if (Array.isArray(value)) throw new Error(`cannot serialize an array as ${type().name}`);
    return type().encode(type().fromObject(value)).finish() as Buffer;
  };
}

function deserializer(type: () => protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type().toObject(type().decode(bytes), TO_OBJECT);
}

function methodDefinition(
  pkg: string,
  service: string,
  name: string,
  method: MethodJson,
): grpc.MethodDefinition<object, object> {
  const request = lazyType(pkg, method.requestType);
  const response = lazyType(pkg, method.responseType);
  return {
    path: `/${pkg}.${service}/${name}`,
    requestStream: method.requestStream === true,
    responseStream: method.responseStream === true,
    requestSerialize: serializer(request),
    requestDeserialize: deserializer(request),
    responseSerialize: serializer(response),
    responseDeserialize: deserializer(response),
    originalName: name[0].toLowerCase() + name.slice(1),
  };
}

function serviceConstructor(pkg: string, name: string): grpc.ServiceClientConstructor {
  const methods = Object.entries(packageJson(pkg).nested[name].methods!).map(
    ([method, json]) => [method, methodDefinition(pkg, name, method, json)] as const,
  );
  return grpc.makeClientConstructor(Object.fromEntries(methods), name);
}

export function loadCriServices(): CriServices {
  if (!cached) {
    cached = {
      RuntimeService: serviceConstructor(PACKAGE, 'RuntimeService'),
      ImageService: serviceConstructor(PACKAGE, 'ImageService'),
    };
  }
  return cached;
}

/** corral's own service beside CRI on the same socket: not CRI, so other runtimes lack it. */
export function loadProgressService(): grpc.ServiceClientConstructor {
  progressService ??= serviceConstructor(CORRAL_PACKAGE, 'ProgressService');
  return progressService;
}
