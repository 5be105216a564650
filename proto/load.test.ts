import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as protobuf from 'protobufjs/light';
import { CRI_DESCRIPTOR_FILE, loadCriServices, loadProgressService } from './load';

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

/** Every type built at once from the whole descriptor: what the lazily built types must match. */
function wholeRoot(): protobuf.Root {
  const root = protobuf.Root.fromJSON(JSON.parse(readFileSync(CRI_DESCRIPTOR_FILE, 'utf8')) as protobuf.INamespace);
  root.resolveAll();
  return root;
}

const SCALARS: Record<string, unknown> = {
  string: 'text',
  bytes: Buffer.from([1, 2, 3]).toString('base64'),
  bool: true,
  double: 1.5,
  float: 2.5,
  int32: -7,
  sint32: -8,
  sfixed32: -9,
  uint32: 7,
  fixed32: 8,
  int64: '-70000000000',
  sint64: '-80000000000',
  sfixed64: '-90000000000',
  uint64: '70000000000',
  fixed64: '80000000000',
};

/** An object with every field set (repeated fields twice, maps once), nested messages to `depth`. */
function filled(type: protobuf.Type, depth: number): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  const seenOneofs = new Set<string>();
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.partOf) {
      if (seenOneofs.has(field.partOf.name)) continue;
      seenOneofs.add(field.partOf.name);
    }
    let one: unknown;
    if (field.resolvedType instanceof protobuf.Enum) one = Object.keys(field.resolvedType.values).at(-1);
    else if (field.resolvedType instanceof protobuf.Type) {
      if (depth === 0) continue;
      one = filled(field.resolvedType, depth - 1);
    } else one = SCALARS[field.type];
    if (field.map) value[field.name] = { key: one };
    else value[field.name] = field.repeated ? [one, one] : one;
  }
  return value;
}

describe('CRI services built lazily', () => {
  const root = wholeRoot();
  const services: [string, grpcService][] = [
    ['runtime.v1.RuntimeService', loadCriServices().RuntimeService.service],
    ['runtime.v1.ImageService', loadCriServices().ImageService.service],
    ['corral.v1.ProgressService', loadProgressService().service],
  ];

  it('every method has the path and streaming of the descriptor', () => {
    for (const [name, service] of services) {
      const described = root.lookupService(name);
      assert.deepEqual(Object.keys(service).sort(), Object.keys(described.methods).sort());
      for (const method of described.methodsArray) {
        const definition = service[method.name];
        assert.equal(definition.path, `/${name}/${method.name}`);
        assert.equal(definition.requestStream, method.requestStream === true);
        assert.equal(definition.responseStream, method.responseStream === true);
      }
    }
  });

  it('every request and response encodes and decodes as with every type built at once', () => {
    for (const [name, service] of services) {
      for (const method of root.lookupService(name).methodsArray) {
        const definition = service[method.name];
        const cases = [
          [method.resolvedRequestType!, definition.requestSerialize, definition.requestDeserialize],
          [method.resolvedResponseType!, definition.responseSerialize, definition.responseDeserialize],
        ] as const;
        for (const [type, serialize, deserialize] of cases) {
          for (const sample of [{}, filled(type, 4)]) {
            const expected = type.encode(type.fromObject(sample)).finish();
            const bytes = serialize(sample);
            assert.deepEqual(Buffer.from(bytes), Buffer.from(expected), `${method.name}: ${type.name}`);
            assert.deepEqual(deserialize(bytes), type.toObject(type.decode(expected), TO_OBJECT), type.name);
          }
        }
      }
    }
  });
});

type grpcService = Record<
  string,
  {
    path: string;
    requestStream: boolean;
    responseStream: boolean;
    requestSerialize: (value: object) => Buffer;
    requestDeserialize: (bytes: Buffer) => object;
    responseSerialize: (value: object) => Buffer;
    responseDeserialize: (bytes: Buffer) => object;
  }
>;
