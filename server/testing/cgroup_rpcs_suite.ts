// The cgroup RPCs over the fake process layer but REAL cgroups (the host's driver, under a
// test-only parent): resources at create, live updates shown by status, bad values refused,
// OOM → OOMKilled, stats that move, pod resources. Run on this v1 host by cgroup_rpcs.test.ts
// and on pure v2 inside the QEMU guest (conformance/vm/cgroups_v2_guest.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { LinuxContainerResources__Output } from '../../proto/generated/runtime/v1/LinuxContainerResources';
import { createCgroupManager } from '../../runtime/cgroups/manager';
import { pollUntil } from '../../runtime/cgroups/fs_util';
import { startIn, type Started } from '../../runtime/cgroups/test/cgroup_processes';
import { InvalidArgumentError } from '../../runtime/errors';
import { openLifecycle, type Lifecycle } from '../../runtime/lifecycle';
import { StatsService } from '../../runtime/stats/stats_service';
import {
  makeFakeWorld,
  sampleContainerConfig,
  samplePodConfig,
  type FakeWorld,
} from '../../runtime/testing/fake_lifecycle';
import { defaultConfig } from '../config/config';
import type { ServerContext } from '../context';
import { containerStats } from '../container_stats';
import { containerStatsList } from '../container_stats_list';
import { containerStatus } from '../container_status';
import { containerUpdateResources } from '../container_update_resources';
import { resourcesFromCri } from '../cri_resources';
import { sandboxStats } from '../sandbox_stats';
import { sandboxStatsList } from '../sandbox_stats_list';
import { sandboxUpdateResources } from '../sandbox_update_resources';

export function defineCgroupRpcSuite(): void {
  describe(`cgroup RPCs over real cgroups (${createCgroupManager().driver} driver)`, () => {
    const MiB = 1024 * 1024;
    const cgroups = createCgroupManager();
    const parent = `/corral-test-${randomBytes(4).toString('hex')}`;
    const memoryFile = cgroups.driver === 'v1' ? 'memory.limit_in_bytes' : 'memory.max';
    let world: FakeWorld;
    let lifecycle: Lifecycle;
    let ctx: ServerContext;
    const started: Started[] = [];

    function resources(overrides: Partial<LinuxContainerResources__Output>): LinuxContainerResources__Output {
      return {
        cpu_period: '0',
        cpu_quota: '0',
        cpu_shares: '0',
        memory_limit_in_bytes: '0',
        oom_score_adj: '0',
        cpuset_cpus: '',
        cpuset_mems: '',
        hugepage_limits: [],
        unified: {},
        memory_swap_limit_in_bytes: '0',
        ...overrides,
      };
    }

    /** A cgroup file of `cgroupPath`, from whichever hierarchy holds it. */
    function cgroupFile(cgroupPath: string, file: string): string {
      const dirs = cgroups
        .open(cgroupPath)
        .procsFiles()
        .map((f) => path.dirname(f));
      const dir = dirs.find((d) => {
        try {
          readFileSync(path.join(d, file));
          return true;
        } catch {
          return false;
        }
      });
      return readFileSync(path.join(dir!, file), 'utf8').trim();
    }

    async function runPodAndContainer(limits?: Partial<LinuxContainerResources__Output>) {
      const podId = await lifecycle.sandboxes.run(samplePodConfig('web'));
      const config = sampleContainerConfig('app', limits ? { resources: resourcesFromCri(resources(limits)) } : {});
      const id = await lifecycle.sandboxes.createContainer(podId, config);
      await lifecycle.containers.start(id);
      return { podId, id, record: await lifecycle.containers.status(id) };
    }

    before(async () => {
      await cgroups.create(parent);
    });

    after(async () => {
      await cgroups.open(parent).remove({ killRemaining: true });
    });

    beforeEach(async () => {
      world = await makeFakeWorld();
      lifecycle = await openLifecycle(
        { ...world, cgroups, isAlive: async () => true },
        {
          root: path.join(world.dir, 'root'),
          state: path.join(world.dir, 'state'),
          rootfsMode: 'pivot_root',
          defaultCgroupParent: parent,
          defaultPidsLimit: 512,
        },
      );
      ctx = {
        config: defaultConfig(),
        version: 'test',
        lifecycle,
        stats: new StatsService(lifecycle.containers),
      } as unknown as ServerContext;
    });

    afterEach(async () => {
      for (const s of started.splice(0))
        if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      for (const pod of lifecycle.sandboxes.list()) await lifecycle.sandboxes.remove(pod.id);
      lifecycle.close();
      await fs.rm(world.dir, { recursive: true, force: true });
    });

    test('limits asked at create are in the cgroup and in ContainerStatus; updates apply live', async () => {
      const { id, record } = await runPodAndContainer({
        memory_limit_in_bytes: String(64 * MiB),
        cpu_period: '100000',
        cpu_quota: '50000',
      });
      assert.equal(cgroupFile(record.meta.cgroupPath, memoryFile), String(64 * MiB));
      assert.equal(cgroupFile(record.meta.cgroupPath, 'pids.max'), '512', 'the configured default pids limit');
      let status = (await containerStatus(ctx, { container_id: id, verbose: false })).status!;
      assert.equal(status.resources!.linux!.memory_limit_in_bytes, String(64 * MiB));
      assert.equal(status.resources!.linux!.cpu_quota, '50000');

      await containerUpdateResources(ctx, {
        container_id: id,
        linux: resources({ memory_limit_in_bytes: String(128 * MiB) }),
        windows: null,
        annotations: {},
      });
      assert.equal(cgroupFile(record.meta.cgroupPath, memoryFile), String(128 * MiB));
      status = (await containerStatus(ctx, { container_id: id, verbose: false })).status!;
      assert.equal(status.resources!.linux!.memory_limit_in_bytes, String(128 * MiB));
      assert.equal(status.resources!.linux!.cpu_quota, '50000', 'fields not in the update keep their value');

      await assert.rejects(
        containerUpdateResources(ctx, {
          container_id: id,
          linux: resources({ memory_limit_in_bytes: String(32 * MiB), cpu_quota: '500' }),
          windows: null,
          annotations: {},
        }),
        (err: Error) => err instanceof InvalidArgumentError && /cpu_quota/.test(err.message),
      );
      assert.equal(
        cgroupFile(record.meta.cgroupPath, memoryFile),
        String(128 * MiB),
        'a refused update changes nothing',
      );
    });

    test('a container asking for impossible limits is refused before anything is made', async () => {
      const podId = await lifecycle.sandboxes.run(samplePodConfig('web'));
      const config = sampleContainerConfig('app', { resources: resourcesFromCri(resources({ cpuset_cpus: '4095' })) });
      await assert.rejects(
        lifecycle.sandboxes.createContainer(podId, config),
        (err: Error) => err instanceof InvalidArgumentError && /cpuset_cpus/.test(err.message),
      );
      assert.equal(lifecycle.containers.list().length, 0);
    });

    test('a container whose process the OOM killer ended is OOMKilled with exit code 137', async () => {
      const { id, record } = await runPodAndContainer({
        memory_limit_in_bytes: String(16 * MiB),
        memory_swap_limit_in_bytes: String(16 * MiB),
      });
      const hog = await startIn(
        cgroups.open(record.meta.cgroupPath),
        'sleep 0.1; exec dd if=/dev/zero of=/dev/null bs=64M count=1',
      );
      started.push(hog);
      assert.equal((await hog.exited).signal, 'SIGKILL');
      world.processes.exit(record.meta.bundleDir, 137, 'SIGKILL');
      assert.ok(await pollUntil(async () => (await lifecycle.containers.status(id)).status.state === 'exited', 10_000));
      const status = (await containerStatus(ctx, { container_id: id, verbose: false })).status!;
      assert.equal(status.reason, 'OOMKilled');
      assert.equal(status.exit_code, 137);
    });

    test('container and pod stats move while the container works; filters apply', async () => {
      const { podId, id, record } = await runPodAndContainer({ memory_limit_in_bytes: String(256 * MiB) });
      started.push(await startIn(cgroups.open(record.meta.cgroupPath), 'while :; do :; done'));
      const first = (await containerStats(ctx, { container_id: id })).stats!;
      let second = first;
      assert.ok(
        await pollUntil(async () => {
          second = (await containerStats(ctx, { container_id: id })).stats!;
          return (
            BigInt(String(second.cpu!.usage_core_nano_seconds!.value)) >
            BigInt(String(first.cpu!.usage_core_nano_seconds!.value))
          );
        }, 10_000),
      );
      assert.ok(Number(second.cpu!.usage_nano_cores!.value) > 0, 'a rate from the second sample on');
      assert.ok(Number(second.memory!.usage_bytes!.value) > 0);
      assert.equal(
        Number(second.memory!.available_bytes!.value),
        256 * MiB - Number(second.memory!.working_set_bytes!.value),
      );
      assert.equal(second.attributes!.id, id);
      assert.ok(second.writable_layer, 'writable layer usage from the snapshotter');

      const listed = await containerStatsList(ctx, {
        filter: { id: '', pod_sandbox_id: podId, label_selector: { tier: 'front' } },
      });
      assert.deepEqual(
        listed.stats!.map((s) => s.attributes!.id),
        [id],
      );
      const none = await containerStatsList(ctx, {
        filter: { id: '', pod_sandbox_id: '', label_selector: { tier: 'back' } },
      });
      assert.equal(none.stats!.length, 0);

      const pod = (await sandboxStats(ctx, { pod_sandbox_id: podId })).stats!;
      assert.equal(pod.attributes!.id, podId);
      assert.ok(Number(pod.linux!.process!.process_count!.value) >= 1);
      assert.ok(BigInt(String(pod.linux!.cpu!.usage_core_nano_seconds!.value)) > 0n);
      assert.deepEqual(
        pod.linux!.containers!.map((c) => c.attributes!.id),
        [id],
      );
      const pods = await sandboxStatsList(ctx, { filter: { id: podId.slice(0, 12), label_selector: {} } });
      assert.equal(pods.stats!.length, 1);
    });

    test("UpdatePodSandboxResources sets the pod cgroup to the containers' sum plus overhead", async () => {
      const { podId } = await runPodAndContainer();
      await sandboxUpdateResources(ctx, {
        pod_sandbox_id: podId,
        resources: resources({ memory_limit_in_bytes: String(200 * MiB) }),
        overhead: resources({ memory_limit_in_bytes: String(10 * MiB) }),
      });
      const pod = lifecycle.sandboxes.status(podId);
      assert.equal(cgroupFile(pod.meta.cgroupPath, memoryFile), String(210 * MiB));
    });
  });
}
