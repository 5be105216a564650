// zstd decompression as a stream: Node's own zlib zstd where it exists (Node >= 22.15), else
// fzstd (pure JavaScript, no dependencies; slower but correct).
import { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import { InvalidArgumentError } from '../../errors';

export function createZstdDecompress(): Transform {
  const native = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  if (native) return native();
  let decoder: Decompress;
  return new Transform({
    construct(done) {
      decoder = new Decompress((chunk) => {
        this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      });
      done();
    },
    transform(chunk: Buffer, _encoding, done) {
      try {
        decoder.push(chunk);
        done();
      } catch (err) {
        done(new InvalidArgumentError(`zstd layer: ${(err as Error).message}`));
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (err) {
        done(new InvalidArgumentError(`zstd layer: ${(err as Error).message}`));
      }
    },
  });
}
