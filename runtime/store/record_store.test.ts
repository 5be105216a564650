import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NewerRecordError, RECORD_FORMAT, RecordStore } from './record_store';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors';
import { newId } from '../ids';

interface Meta {
  name: string;
}
interface Status {
  state: string;
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'corral-store-'));
}

describe('RecordStore', () => {
  it('persists metadata and versioned status, and rebuilds them from disk', async () => {
    const dir = tempDir();
    try {
      const store = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      await store.load();
      const id = newId();
      await store.add(id, { name: 'web' }, { state: 'created' });
      await store.update(id, (s) => ({ ...s, state: 'running' }));
      const reloaded = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      assert.equal((await reloaded.load()).loaded, 1);
      const record = reloaded.get(id)!;
      assert.deepEqual([record.meta.name, record.status.state, record.version], ['web', 'running', 2]);
      assert.equal(reloaded.idForName('web'), id);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('an update that changes nothing writes nothing (a second path recording the same exit)', async () => {
    const dir = tempDir();
    try {
      const store = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      await store.load();
      const id = newId();
      await store.add(id, { name: 'web' }, { state: 'exited' });
      const file = path.join(dir, id, 'status.json');
      const before = await fs.readFile(file, 'utf8');
      await fs.rm(file);
      const same = await store.update(id, (s) => ({ ...s }));
      assert.equal(same.version, 1);
      await assert.rejects(fs.stat(file), { code: 'ENOENT' }, 'nothing was written');
      await fs.writeFile(file, before);
      const changed = await store.update(id, (s) => ({ ...s, state: 'removed' }));
      assert.equal(changed.version, 2);
      assert.match(await fs.readFile(file, 'utf8'), /removed/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('discards a record whose add never finished, and stray temp files', async () => {
    const dir = tempDir();
    try {
      const half = path.join(dir, newId());
      await fs.mkdir(half);
      await fs.writeFile(path.join(half, 'status.json'), '{"version":1,"status":{}}');
      const store = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      const result = await store.load();
      assert.equal(result.loaded, 0);
      assert.equal(result.discarded.length, 1);
      await assert.rejects(fs.stat(half), { code: 'ENOENT' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reserves names and reports the holder', async () => {
    const store = new RecordStore<Meta, Status>(tempDir(), 'pod sandbox', (m) => m.name);
    store.reserveName('a_default_uid_0', 'f'.repeat(64));
    assert.throws(
      () => store.reserveName('a_default_uid_0', 'e'.repeat(64)),
      (err: Error) => err instanceof AlreadyExistsError && err.message.includes('f'.repeat(64)),
    );
    store.releaseName('a_default_uid_0', 'f'.repeat(64));
    store.reserveName('a_default_uid_0', 'e'.repeat(64));
    await fs.rm(store.dir, { recursive: true, force: true });
  });

  it('resolves unique prefixes and rejects ambiguous ones', async () => {
    const dir = tempDir();
    try {
      const store = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      await store.load();
      await store.add(`abc1${'0'.repeat(60)}`, { name: 'one' }, { state: 'x' });
      await store.add(`abc2${'0'.repeat(60)}`, { name: 'two' }, { state: 'x' });
      assert.equal(store.resolve('abc1').meta.name, 'one');
      assert.throws(() => store.resolve('abc'), InvalidArgumentError);
      assert.throws(() => store.resolve('abd'), NotFoundError);
      assert.equal(store.find('abd'), undefined);
      await store.remove(store.resolve('abc1').id);
      assert.equal(store.resolve('abc').meta.name, 'two');
      assert.equal(store.idForName('one'), undefined);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the old status when a transition is refused', async () => {
    const dir = tempDir();
    try {
      const store = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      await store.load();
      const id = newId();
      await store.add(id, { name: 'n' }, { state: 'exited' });
      await assert.rejects(
        store.update(id, () => {
          throw new Error('cannot start an exited container');
        }),
      );
      assert.equal(store.get(id)!.status.state, 'exited');
      assert.equal(store.get(id)!.version, 1);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('writes its record format, and reads records written before the field existed', async () => {
    const dir = tempDir();
    try {
      const store = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      await store.load();
      const id = newId();
      await store.add(id, { name: 'new' }, { state: 'created' });
      const written = JSON.parse(await fs.readFile(path.join(dir, id, 'status.json'), 'utf8')) as { format: number };
      assert.equal(written.format, RECORD_FORMAT);
      const old = path.join(dir, newId());
      await fs.mkdir(old);
      await fs.writeFile(path.join(old, 'meta.json'), '{"name":"old"}');
      await fs.writeFile(path.join(old, 'status.json'), '{"version":3,"status":{"state":"running"}}');
      const reloaded = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      assert.equal((await reloaded.load()).loaded, 2);
      assert.equal(reloaded.get(path.basename(old))!.status.state, 'running');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('sweeps what a crash left once loaded, beside status writes and removals made meanwhile', async () => {
    const dir = tempDir();
    try {
      const first = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      await first.load();
      const ids = Array.from({ length: 40 }, () => newId());
      for (const [i, id] of ids.entries()) await first.add(id, { name: `c${i}` }, { state: 'created' });
      for (const id of ids) await fs.writeFile(path.join(dir, id, '.status.json.0badc0ffee00.tmp'), 'half');
      const halfMade = newId();
      await fs.mkdir(path.join(dir, halfMade));
      await fs.writeFile(path.join(dir, halfMade, '.meta.json.0badc0ffee00.tmp'), 'half');
      const store = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      assert.deepEqual(await store.load(), { loaded: 40, discarded: [halfMade] });
      // Work that arrives as soon as the records are loaded, while the sweep goes on.
      const updated = ids.slice(0, 20).map((id) => store.update(id, (s) => ({ ...s, state: 'running' })));
      const removed = ids.slice(20, 25).map((id) => store.remove(id));
      await Promise.all([...updated, ...removed, store.sweepStaleTemps()]);
      for (const id of ids.slice(0, 20)) {
        assert.deepEqual((await fs.readdir(path.join(dir, id))).sort(), ['meta.json', 'status.json']);
        assert.match(await fs.readFile(path.join(dir, id, 'status.json'), 'utf8'), /running/);
      }
      for (const id of ids.slice(25))
        assert.deepEqual((await fs.readdir(path.join(dir, id))).sort(), ['meta.json', 'status.json']);
      assert.deepEqual((await fs.readdir(dir)).sort(), [...ids.slice(0, 20), ...ids.slice(25)].sort());
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a record from a newer corral, naming it, and changes no file', async () => {
    const dir = tempDir();
    try {
      const id = newId();
      const recordDir = path.join(dir, id);
      await fs.mkdir(recordDir);
      const files = {
        'meta.json': '{"name":"future","shape":"unknown"}',
        'status.json': `{"format":${RECORD_FORMAT + 1},"version":9,"status":{"state":"running"}}`,
        '.status.json.123.tmp': 'half',
      };
      for (const [name, data] of Object.entries(files)) await fs.writeFile(path.join(recordDir, name), data);
      const store = new RecordStore<Meta, Status>(dir, 'container', (m) => m.name);
      await assert.rejects(
        store.load(),
        (err: Error) =>
          err instanceof NewerRecordError &&
          err.message.includes(id) &&
          err.message.includes(`record format ${RECORD_FORMAT + 1}`) &&
          err.message.includes('newer corral'),
      );
      for (const [name, data] of Object.entries(files))
        assert.equal(await fs.readFile(path.join(recordDir, name), 'utf8'), data, `${name} is untouched`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
