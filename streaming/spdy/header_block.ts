// SPDY/3 header blocks: a count and length-prefixed name/value pairs, compressed with one zlib
// stream per direction that lives as long as the connection (so each block depends on the last).
import * as zlib from 'node:zlib';
import { SPDY3_HEADER_DICTIONARY } from './dictionary';
import { SpdyProtocolError, uint32 } from './frames';

/** Header names are lower case on the wire; a value with several parts keeps its NUL separators. */
export type SpdyHeaders = Map<string, string>;

/** Most a decompressed header block may hold: these streams carry a handful of short headers. */
export const MAX_HEADER_BLOCK_BYTES = 16 * 1024;

/**
 * One long-lived zlib stream, fed one block at a time: each call writes the block, asks for a
 * sync flush and collects what came out. Calls are queued so blocks stay in order.
 */
class ZlibBlocks {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: zlib.Inflate | zlib.Deflate,
    private readonly maxOutput: number,
  ) {
    engine.on('error', () => {
      /* reported to the pending call through its own listener */
    });
  }

  run(input: Buffer): Promise<Buffer> {
    const result = this.queue.then(() => this.flushOne(input));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private flushOne(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxOutput) fail(new SpdyProtocolError(`header block larger than ${this.maxOutput} bytes`));
        else chunks.push(chunk);
      };
      const fail = (err: Error) => {
        cleanup();
        reject(err);
      };
      const cleanup = () => {
        this.engine.off('data', onData);
        this.engine.off('error', fail);
      };
      this.engine.on('data', onData);
      this.engine.once('error', fail);
      this.engine.write(input);
      // Output is pushed (and, flowing, emitted) before the flush callback runs.
      this.engine.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        cleanup();
        resolve(Buffer.concat(chunks));
      });
    });
  }

  close(): void {
    this.engine.close();
  }
}

export class HeaderCompressor {
  private readonly blocks = new ZlibBlocks(zlib.createDeflate({ dictionary: SPDY3_HEADER_DICTIONARY }), Infinity);

  compress(headers: SpdyHeaders): Promise<Buffer> {
    return this.blocks.run(encodeHeaderBlock(headers));
  }

  close(): void {
    this.blocks.close();
  }
}

export class HeaderDecompressor {
  private readonly blocks = new ZlibBlocks(
    zlib.createInflate({ dictionary: SPDY3_HEADER_DICTIONARY }),
    MAX_HEADER_BLOCK_BYTES,
  );

  async decompress(block: Buffer): Promise<SpdyHeaders> {
    let raw: Buffer;
    try {
      raw = await this.blocks.run(block);
    } catch (err) {
      throw err instanceof SpdyProtocolError
        ? err
        : new SpdyProtocolError(`bad header block: ${(err as Error).message}`);
    }
    return decodeHeaderBlock(raw);
  }

  close(): void {
    this.blocks.close();
  }
}

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [uint32(headers.size)];
  for (const [name, value] of headers) {
    const nameBytes = Buffer.from(name.toLowerCase(), 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    parts.push(uint32(nameBytes.length), nameBytes, uint32(valueBytes.length), valueBytes);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(raw: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = new Map();
  let offset = 0;
  const take = (n: number): Buffer => {
    if (offset + n > raw.length) throw new SpdyProtocolError('truncated header block');
    const slice = raw.subarray(offset, offset + n);
    offset += n;
    return slice;
  };
  const count = take(4).readUInt32BE(0);
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString('utf8');
    const value = take(take(4).readUInt32BE(0)).toString('utf8');
    if (name.length === 0 || name !== name.toLowerCase())
      throw new SpdyProtocolError(`bad header name ${JSON.stringify(name)}`);
    if (headers.has(name)) throw new SpdyProtocolError(`duplicate header ${name}`);
    headers.set(name, value);
  }
  if (offset !== raw.length) throw new SpdyProtocolError('trailing bytes after header block');
  return headers;
}
