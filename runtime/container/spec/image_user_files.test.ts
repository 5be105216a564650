// The image's user files are read once per image ID; without an ID, or when large, every time.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { imageUserFiles } from './image_user_files';

const base = mkdtempSync(path.join(os.tmpdir(), 'corral-user-files-'));
after(() => rmSync(base, { recursive: true, force: true }));

function rootWith(name: string, passwd: string): string {
  const root = path.join(base, name);
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  writeFileSync(path.join(root, 'etc', 'passwd'), passwd);
  return root;
}

test('a second container of the same image gets the files read for the first', async () => {
  const first = await imageUserFiles('sha256:same', rootWith('a', 'root:x:0:0::/:/bin/sh\n'));
  assert.deepEqual(first, { etcPasswd: 'root:x:0:0::/:/bin/sh\n', etcGroup: undefined });
  // Another rootfs of the same image cannot differ at create; it is not read again.
  assert.deepEqual(await imageUserFiles('sha256:same', rootWith('b', 'other\n')), first);
  assert.equal((await imageUserFiles('sha256:other', rootWith('c', 'other\n'))).etcPasswd, 'other\n');
  assert.equal((await imageUserFiles(undefined, rootWith('d', 'unkept\n'))).etcPasswd, 'unkept\n');
});

test('large files and failed reads are not kept', async () => {
  const large = 'u:x:1:1::/:/bin/sh\n'.repeat(5000);
  assert.equal((await imageUserFiles('sha256:large', rootWith('e', large))).etcPasswd, large);
  assert.equal((await imageUserFiles('sha256:large', rootWith('f', 'small\n'))).etcPasswd, 'small\n');
  const fifoRoot = path.join(base, 'g');
  mkdirSync(path.join(fifoRoot, 'etc'), { recursive: true });
  mkdirSync(path.join(fifoRoot, 'etc', 'passwd')); // not a regular file: refused
  await assert.rejects(imageUserFiles('sha256:bad', fifoRoot));
  assert.equal((await imageUserFiles('sha256:bad', rootWith('h', 'fixed\n'))).etcPasswd, 'fixed\n');
});
