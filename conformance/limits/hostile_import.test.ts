// `image import` (PullImage of "oci-layout:<path>") of hostile layouts: a tar of more blob files
// than an import may write, a tar entry whose header claims more bytes than may be written, and a
// FIFO where a file should be (as the tar, as index.json). Each is refused with a clear code
// within the call's deadline, and leaves nothing in its stores (the extraction's directory is in
// the layer store) nor in corrald's temporary directory (nothing is written outside its roots).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants, createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import * as tar from 'tar-stream';
import { CriClient } from '../../cli/cri_client';
import { Corrald } from '../harness/corrald';
import { failure, storedFiles } from '../images/helpers';
import { MAX_IMPORT_BLOBS } from '../../runtime/image/layout_tar';

/** The old code waited on a FIFO forever: the call's own deadline ends such a case. */
const CALL_DEADLINE_MS = 15_000;

let work: string;
let corraldTmp: string;
let daemon: Corrald;
let client: CriClient;

before(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-e2e-import-'));
  corraldTmp = path.join(work, 'corrald-tmp');
  await fs.mkdir(corraldTmp);
  daemon = await Corrald.start({ env: { ...process.env, TMPDIR: corraldTmp } });
  client = new CriClient(`unix://${daemon.dirs.socket}`, CALL_DEADLINE_MS);
});
after(async () => {
  client?.close();
  await daemon?.stop();
  await daemon?.removeDirs();
  await fs.rm(work, { recursive: true, force: true });
});

const blobName = (i: number) => `blobs/sha256/${i.toString(16).padStart(64, '0')}`;

async function writeTar(file: string, entries: Array<{ name: string; data: Buffer }>): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(file));
  for (const { name, data } of entries) pack.entry({ name }, data);
  pack.finalize();
  await written;
}

/** The first header's size field rewritten as base-256 `size` (GNU form), checksum redone. */
async function claimSize(file: string, size: bigint): Promise<void> {
  const bytes = await fs.readFile(file);
  const field = Buffer.alloc(12);
  field[0] = 0x80;
  for (let i = 11, left = size; i > 0; i--, left >>= 8n) field[i] = Number(left & 0xffn);
  field.copy(bytes, 124);
  bytes.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += bytes[i];
  bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  await fs.writeFile(file, bytes);
}

async function importFailure(source: string): Promise<{ code: string; details: string }> {
  return failure(client.image('PullImage', { image: { image: `oci-layout:${source}` }, auth: null }));
}

async function assertNothingLeft(): Promise<void> {
  assert.deepEqual(await fs.readdir(corraldTmp), [], "corrald's temporary directory is empty");
  assert.deepEqual(storedFiles(daemon), [], 'nothing stored');
}

test(`a tar of more than ${MAX_IMPORT_BLOBS} blob files is refused: RESOURCE_EXHAUSTED, nothing left`, async () => {
  const file = path.join(work, 'many.tar');
  const entries = Array.from({ length: MAX_IMPORT_BLOBS + 1 }, (_, i) => ({
    name: blobName(i),
    data: Buffer.alloc(0),
  }));
  await writeTar(file, entries);
  const { code, details } = await importFailure(file);
  assert.equal(code, 'RESOURCE_EXHAUSTED', details);
  assert.match(details, /blobs/);
  await assertNothingLeft();
});

test('a tar entry claiming a petabyte is refused from its header: RESOURCE_EXHAUSTED, nothing left', async () => {
  const file = path.join(work, 'huge.tar');
  await writeTar(file, [{ name: blobName(1), data: Buffer.alloc(1024, 1) }]);
  await claimSize(file, 2n ** 50n);
  const { code, details } = await importFailure(file);
  assert.equal(code, 'RESOURCE_EXHAUSTED', details);
  await assertNothingLeft();
});

test('a FIFO as the tar, or as index.json, is refused: INVALID_ARGUMENT, nothing left', async () => {
  const fifo = path.join(work, 'layout.fifo');
  const layout = path.join(work, 'fifo-layout');
  await fs.mkdir(layout);
  execFileSync('mkfifo', [fifo, path.join(layout, 'index.json')]);
  try {
    for (const source of [fifo, layout]) {
      const { code, details } = await importFailure(source);
      assert.equal(code, 'INVALID_ARGUMENT', `${source}: ${details}`);
    }
    await assertNothingLeft();
  } finally {
    // A reader still waiting (the old code) gets its end of file.
    for (const f of [fifo, path.join(layout, 'index.json')]) {
      await fs
        .open(f, constants.O_WRONLY | constants.O_NONBLOCK)
        .then((h) => h.close())
        .catch(() => undefined);
    }
  }
});
