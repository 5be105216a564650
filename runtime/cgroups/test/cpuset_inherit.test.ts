// v1 cpuset inheritance when another creator made a level above and has not filled it yet (two
// pods started at once below a new cgroup parent): the new cgroup must still get CPUs and nodes.
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { inheritCpusetV1 } from '../v1/cpuset';

const CPUSET = '/sys/fs/cgroup/cpuset';
const top = path.join(CPUSET, `corral-test-cpuset-${process.pid}`);

after(async () => {
  for (const dir of [path.join(top, 'mid', 'leaf'), path.join(top, 'mid'), top])
    await fs.rmdir(dir).catch(() => undefined);
});

test(
  'a cgroup below a still-empty cpuset level inherits the nearest filled ancestor',
  { skip: !existsSync(path.join(CPUSET, 'cpuset.cpus')) },
  async () => {
    await fs.mkdir(top);
    await inheritCpusetV1(top);
    // "mid" is what a concurrent creator has made but not yet filled.
    await fs.mkdir(path.join(top, 'mid'));
    await fs.mkdir(path.join(top, 'mid', 'leaf'));
    await inheritCpusetV1(path.join(top, 'mid', 'leaf'));
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const want = readFileSync(path.join(top, file), 'utf8').trim();
      assert.equal(readFileSync(path.join(top, 'mid', 'leaf', file), 'utf8').trim(), want, file);
      assert.equal(readFileSync(path.join(top, 'mid', file), 'utf8').trim(), want, `${file} of the level above`);
    }
  },
);
