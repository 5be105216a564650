// The cgroup driver tests, shared by both hierarchies: cgroups_host.test.ts runs them on this v1
// host, conformance/vm/cgroups_v2_guest.ts inside a pure-v2 VM. Everything
// lives under a test-only parent cgroup that is removed at the end.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors';
import type { CgroupHandle, CgroupManager } from '../contract';
import { defaultDeviceRules } from '../devices_default';
import { pollUntil } from '../fs_util';
import { createCgroupManager } from '../manager';
import { usageNanoCores } from '../stats';
import { dirWith, runToEnd, runToExit, startIn, type Started } from './cgroup_processes';

const MiB = 1024 * 1024;

export function defineDriverSuite(driver: 'v1' | 'v2'): void {
  describe(`cgroup ${driver} driver`, () => {
    const manager: CgroupManager = createCgroupManager();
    const parentPath = `/corral-test-${randomBytes(4).toString('hex')}`;
    let parent: CgroupHandle;
    const started: Started[] = [];
    let seq = 0;

    const child = async (): Promise<CgroupHandle> => manager.create(`${parentPath}/c${++seq}`);
    const run = async (handle: CgroupHandle, script: string) => {
      const s = await startIn(handle, script);
      started.push(s);
      return s;
    };
    const read = (handle: CgroupHandle, file: string) =>
      readFileSync(path.join(dirWith(handle, file), file), 'utf8').trim();

    before(async () => {
      assert.equal(manager.driver, driver, `this host's cgroup mode is ${manager.mode}`);
      parent = await manager.create(parentPath);
    });

    after(async () => {
      for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      await Promise.all(started.map((s) => s.exited));
      const dirs = parent.procsFiles().map((f) => path.dirname(f));
      await parent.remove({ killRemaining: true });
      for (const dir of dirs) assert.ok(!existsSync(dir), `${dir} left behind`);
    });

    test('create makes the cgroup in every hierarchy and a process can join it', async () => {
      const cg = await child();
      for (const file of cg.procsFiles()) assert.ok(existsSync(file), file);
      const s = await run(cg, 'exec sleep 1000');
      assert.ok(
        await pollUntil(async () => (await cg.pids()).join() === String(s.child.pid), 5_000),
        'the pid is listed alone',
      );
      const again = await manager.create(cg.path);
      assert.deepEqual(again.procsFiles(), cg.procsFiles(), 'create is idempotent');
      await cg.remove({ killRemaining: true });
      assert.equal((await s.exited).signal, 'SIGKILL');
    });

    test('resources are applied and read back', async () => {
      const cg = await child();
      await cg.apply({
        cpuPeriod: 100_000,
        cpuQuota: 50_000,
        cpuShares: 512,
        memoryLimitBytes: 64 * MiB,
        memorySwapLimitBytes: 64 * MiB,
        cpusetCpus: '0',
        cpusetMems: '0',
        pidsLimit: 100,
      });
      if (driver === 'v1') {
        assert.equal(read(cg, 'cpu.cfs_period_us'), '100000');
        assert.equal(read(cg, 'cpu.cfs_quota_us'), '50000');
        assert.equal(read(cg, 'cpu.shares'), '512');
        assert.equal(read(cg, 'memory.limit_in_bytes'), String(64 * MiB));
        assert.equal(read(cg, 'memory.memsw.limit_in_bytes'), String(64 * MiB));
      } else {
        assert.equal(read(cg, 'cpu.max'), '50000 100000');
        assert.equal(read(cg, 'cpu.weight'), '20'); // 1 + (510 * 9999) / 262142
        assert.equal(read(cg, 'memory.max'), String(64 * MiB));
        assert.equal(read(cg, 'memory.swap.max'), '0');
      }
      assert.equal(read(cg, 'cpuset.cpus'), '0');
      assert.equal(read(cg, 'cpuset.mems'), '0');
      assert.equal(read(cg, 'pids.max'), '100');

      await cg.apply({ memoryLimitBytes: 128 * MiB, memorySwapLimitBytes: -1, cpuQuota: -1 });
      assert.equal(read(cg, driver === 'v1' ? 'memory.limit_in_bytes' : 'memory.max'), String(128 * MiB));
      assert.equal(read(cg, driver === 'v1' ? 'cpu.cfs_quota_us' : 'cpu.max'), driver === 'v1' ? '-1' : 'max 100000');
      await cg.remove();
    });

    test('bad values are rejected naming the field, and nothing changes', async () => {
      const cg = await child();
      await cg.apply({ memoryLimitBytes: 64 * MiB });
      const memFile = driver === 'v1' ? 'memory.limit_in_bytes' : 'memory.max';
      const cases: [Parameters<CgroupHandle['apply']>[0], RegExp][] = [
        [{ memoryLimitBytes: 32 * MiB, cpuQuota: 500 }, /cpu_quota/],
        [{ memoryLimitBytes: 32 * MiB, cpuQuota: -5 }, /cpu_quota/],
        [{ memoryLimitBytes: 1024 }, /memory_limit_in_bytes/],
        [{ memoryLimitBytes: 32 * MiB, cpusetCpus: '0,4095' }, /cpuset_cpus/],
        [{ memoryLimitBytes: 32 * MiB, cpusetCpus: 'zero' }, /cpuset_cpus/],
        [{ memoryLimitBytes: 32 * MiB, memorySwapLimitBytes: 16 * MiB }, /memory_swap_limit_in_bytes/],
        [
          { memoryLimitBytes: 32 * MiB, unified: driver === 'v1' ? { 'memory.high': '1' } : { 'nope.file': '1' } },
          /unified/,
        ],
      ];
      for (const [resources, field] of cases) {
        await assert.rejects(
          cg.apply(resources),
          (err: Error) => err instanceof InvalidArgumentError && field.test(err.message),
        );
        assert.equal(read(cg, memFile), String(64 * MiB), `unchanged after ${JSON.stringify(resources)}`);
      }
      await cg.remove();
    });

    if (driver === 'v2') {
      test('unified keys are written as given; huge page limits apply', async () => {
        const cg = await child();
        await cg.apply({ unified: { 'memory.high': String(48 * MiB), 'pids.max': '42' } });
        assert.equal(read(cg, 'memory.high'), String(48 * MiB));
        assert.equal(read(cg, 'pids.max'), '42');
        await cg.apply({ hugepageLimits: [{ pageSize: '2MB', limitBytes: 4 * MiB }] });
        assert.equal(read(cg, 'hugetlb.2MB.max'), String(4 * MiB));
        await cg.remove();
      });
    }

    test('the default device rules let /dev/zero open and keep /dev/kmsg shut', async () => {
      const cg = await child();
      assert.equal(await runToExit(cg, ': < /dev/kmsg'), 0, 'without rules every device opens');
      await cg.apply({ devices: defaultDeviceRules() });
      assert.equal(await runToExit(cg, ': < /dev/zero && : > /dev/null'), 0);
      assert.notEqual(await runToExit(cg, ': < /dev/kmsg'), 0, '/dev/kmsg opened despite the rules');
      if (driver === 'v1') {
        const list = read(cg, 'devices.list').split('\n');
        assert.ok(list.includes('c 1:3 rwm') && list.includes('c 136:* rwm'), list.join('; '));
        assert.ok(!list.includes('a *:* rwm'));
      }
      await cg.remove();
    });

    test('a memory hog is OOM-killed and the kill is counted', async () => {
      const cg = await child();
      await cg.apply({ memoryLimitBytes: 16 * MiB, memorySwapLimitBytes: 16 * MiB });
      assert.equal(await cg.oomKilled(), false);
      // Not run(): the hog can be killed before a poll sees it in the cgroup; a failed join
      // would end with exit 99, not SIGKILL.
      const end = await runToEnd(cg, 'exec dd if=/dev/zero of=/dev/null bs=64M count=1');
      assert.equal(end.signal, 'SIGKILL');
      assert.ok(await cg.oomKilled());
      assert.ok((await cg.oomKillCount()) >= 1);
      await cg.remove();
    });

    test('a CPU quota throttles a busy loop (cpu.stat nr_throttled)', async () => {
      const cg = await child();
      await cg.apply({ cpuPeriod: 10_000, cpuQuota: 1_000 });
      await run(cg, 'while :; do :; done');
      const throttled = await pollUntil(async () => (await cg.stats()).cpu.throttledPeriods > 0, 60_000, 50);
      assert.ok(throttled, 'never throttled');
      const nr = Number(/nr_throttled (\d+)/.exec(read(cg, 'cpu.stat'))![1]);
      assert.ok(nr > 0);
      await cg.remove({ killRemaining: true });
    });

    test('killAll kills a forking tree and remove leaves nothing', async () => {
      const cg = await manager.create(`${parentPath}/tree/inner`);
      const outer = manager.open(`${parentPath}/tree`);
      const s = await run(
        cg,
        'for i in 1 2 3; do (while :; do sleep 0.05 & wait; done) & done; while :; do sleep 1 & wait; done',
      );
      assert.ok(await pollUntil(async () => (await outer.pids()).length >= 7, 30_000), 'tree did not grow');
      await outer.killAll();
      assert.deepEqual(await outer.pids(), []);
      assert.equal((await s.exited).signal, 'SIGKILL');
      const dirs = outer.procsFiles().map((f) => path.dirname(f));
      await outer.remove();
      for (const dir of dirs) assert.ok(!existsSync(dir), `${dir} left behind`);
      await outer.remove(); // idempotent
    });

    test('killAll ends processes that fork without a pause (the kill races their forks)', async () => {
      const cg = await manager.create(`${parentPath}/forkers`);
      const s = await run(cg, 'for i in 1 2 3 4; do (while :; do /bin/true; done) & done; wait');
      assert.ok(await pollUntil(async () => (await cg.pids()).length >= 5, 30_000), 'forkers did not start');
      await cg.killAll();
      assert.deepEqual(await cg.pids(), []);
      assert.equal((await s.exited).signal, 'SIGKILL');
      await cg.remove();
    });

    test('freeze stops and thaw resumes', async () => {
      const cg = await child();
      await run(cg, 'while :; do :; done');
      await cg.freeze();
      const frozenAt = (await cg.stats()).cpu.usageNs;
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await cg.stats()).cpu.usageNs, frozenAt, 'a frozen cgroup used CPU');
      await cg.thaw();
      assert.ok(
        await pollUntil(async () => (await cg.stats()).cpu.usageNs > frozenAt, 30_000),
        'no progress after thaw',
      );
      await cg.remove({ killRemaining: true });
    });

    test('stats move while a process works', async () => {
      const cg = await child();
      await cg.apply({ memoryLimitBytes: 256 * MiB, pidsLimit: 64 });
      await run(cg, 'x=$(head -c 4000000 /dev/zero | tr "\\0" a); while :; do :; done');
      const first = await cg.stats();
      let later = first;
      assert.ok(await pollUntil(async () => (later = await cg.stats()).cpu.usageNs > first.cpu.usageNs, 30_000));
      assert.ok(usageNanoCores(first, later) > 0);
      assert.ok(later.memory.usageBytes > 0 && later.memory.workingSetBytes > 0);
      assert.ok(later.memory.workingSetBytes <= later.memory.usageBytes);
      assert.ok(later.memory.pageFaults > 0);
      assert.equal(later.memory.limitBytes, 256 * MiB);
      assert.equal(later.memory.availableBytes, 256 * MiB - later.memory.workingSetBytes);
      assert.ok(later.pids.current >= 1);
      assert.equal(later.pids.limit, 64);
      await cg.remove({ killRemaining: true });
    });

    test('remove waits for a short process to end, and refuses while one keeps running', async () => {
      const short = await child();
      const s = await run(short, 'sleep 0.3');
      await short.remove();
      assert.equal((await s.exited).code, 0);
      const long = await child();
      await run(long, 'sleep 1000');
      await assert.rejects(long.remove({ timeoutMs: 100 }), FailedPreconditionError);
      await long.remove({ killRemaining: true });
    });
  });
}
