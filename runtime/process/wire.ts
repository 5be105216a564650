// The helper message format (native/helper/common/spec.h, version 1): records of
//   u32le key_len, u32le value_len, key, NUL, value, NUL
// starting with ("corral", "1"). Keys repeat for lists; values may hold any bytes.

export const WIRE_VERSION = '1';

export type WireRecord = [key: string, value: string | Buffer];

export function encodeRecords(records: WireRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of [['corral', WIRE_VERSION] as WireRecord, ...records]) {
    const keyBytes = Buffer.from(key, 'utf8');
    const valueBytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    const head = Buffer.alloc(8);
    head.writeUInt32LE(keyBytes.length, 0);
    head.writeUInt32LE(valueBytes.length, 4);
    parts.push(head, keyBytes, Buffer.alloc(1), valueBytes, Buffer.alloc(1));
  }
  return Buffer.concat(parts);
}
