import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPDY3_HEADER_DICTIONARY } from './dictionary';
import { FrameReader, SpdyProtocolError, encodeData, encodeRstStream, RstStatus } from './frames';
import { HeaderCompressor, HeaderDecompressor } from './header_block';

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

test('the header dictionary is the SPDY/3 one (zlib identifies it by Adler-32)', () => {
  assert.equal(SPDY3_HEADER_DICTIONARY.length, 1423);
  assert.equal(adler32(SPDY3_HEADER_DICTIONARY), 0xe3c6a7c2);
});

test('header blocks round-trip through one long-lived compression context', async () => {
  const out = new HeaderCompressor();
  const into = new HeaderDecompressor();
  for (const type of ['error', 'stdin', 'stdout']) {
    const headers = new Map([
      ['streamtype', type],
      ['port', '80'],
    ]);
    assert.deepEqual(await into.decompress(await out.compress(headers)), headers);
  }
  out.close();
  into.close();
});

test('frames split across reads are reassembled; oversized data frames are refused', () => {
  const reader = new FrameReader();
  const wire = Buffer.concat([encodeData(1, Buffer.from('abc'), true), encodeRstStream(3, RstStatus.Cancel)]);
  assert.deepEqual(reader.push(wire.subarray(0, 5)), []);
  const frames = reader.push(wire.subarray(5));
  assert.deepEqual(
    frames.map((f) => f.kind),
    ['data', 'rst_stream'],
  );
  const huge = Buffer.from([0, 0, 0, 1, 0, 0x20, 0, 0]);
  assert.throws(() => new FrameReader().push(huge), SpdyProtocolError);
});
