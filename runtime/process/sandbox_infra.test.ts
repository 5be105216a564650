// Kernel tests (root): pod infra holding pinned namespaces, containers joining them, cgroups.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { NativeProcessRuntime } from './process_runtime';
import { NativeSandboxRuntime } from './sandbox_runtime';
import { isAlive } from './proc_stat';
import { Fixture, processSpec } from './testing/container_fixture';
import type { ContainerSpec, SandboxInfraSpec } from './contract';

const nsInode = (file: string): string => `[${statSync(file).ino}]`;

describe('sandbox infra', () => {
  const sandboxes = new NativeSandboxRuntime();
  const containers = new NativeProcessRuntime();
  let fixture: Fixture;
  const pods: Array<[string, string]> = [];
  const cgroups: string[] = [];

  before(async () => {
    fixture = await Fixture.create();
  });
  after(async () => {
    await fixture.stopContainers();
    for (const [bundle, pins] of pods) await sandboxes.stopInfra(bundle, pins);
    for (const dir of cgroups.reverse()) await fs.rmdir(dir);
    await fixture.cleanup();
  });

  async function startPod(name: string, extra: Partial<SandboxInfraSpec> = {}) {
    const spec: SandboxInfraSpec = {
      id: name,
      bundleDir: fixture.dir(`${name}-bundle`),
      hostname: `pod-${name}`,
      namespaces: { net: { mode: 'new' }, ipc: { mode: 'new' }, uts: { mode: 'new' }, pid: { mode: 'new' } },
      sysctls: { 'net.ipv4.ip_unprivileged_port_start': '80' },
      cgroupProcsFiles: [],
      pinDir: fixture.dir(`${name}-pins`),
      ...extra,
    };
    pods.push([spec.bundleDir, spec.pinDir]);
    return { spec, infra: await sandboxes.startInfra(spec) };
  }

  async function podContainer(paths: Partial<Record<string, string>>, args: string[]): Promise<ContainerSpec> {
    const spec = await fixture.containerSpec(args);
    spec.namespaces = {
      net: { mode: 'join', path: paths.net! },
      ipc: { mode: 'join', path: paths.ipc! },
      uts: { mode: 'join', path: paths.uts! },
      pid: { mode: 'join', path: paths.pid! },
    };
    fixture.track(spec.bundleDir);
    await containers.create(spec);
    await containers.start(spec.bundleDir);
    return spec;
  }

  it('pins new namespaces that containers join and share', async () => {
    const { infra } = await startPod('share');
    const paths = infra.namespacePaths;
    for (const kind of ['net', 'ipc', 'uts', 'pid'] as const) {
      assert.notEqual(nsInode(paths[kind]!), readlinkSync(`/proc/self/ns/${kind}`).replace(/^\w+:/, ''));
    }
    const a = await podContainer(paths, ['sleep', '1000']);
    const b = await podContainer(paths, ['sleep', '1000']);
    const probe = processSpec([
      'sh',
      '-c',
      'hostname; cat /proc/sys/net/ipv4/ip_unprivileged_port_start; for n in net ipc uts pid; do readlink /proc/self/ns/$n; done; echo $$',
    ]);
    const fromA = (await containers.execSync(a.bundleDir, probe, 0)).stdout.toString().split('\n');
    const fromB = (await containers.execSync(b.bundleDir, probe, 0)).stdout.toString().split('\n');
    assert.equal(fromA[0], 'pod-share');
    assert.equal(fromA[1], '80');
    for (const [i, kind] of (['net', 'ipc', 'uts', 'pid'] as const).entries()) {
      assert.equal(fromA[2 + i], `${kind}:${nsInode(paths[kind]!)}`, `${kind} is not the pod's`);
      assert.equal(fromB[2 + i], fromA[2 + i]);
    }
    assert.notEqual(fromA[6], '1', 'the infra is pid 1 of a shared pid namespace');
  });

  it('every pause sits in one mount namespace made once: an empty read-only root and nothing else', async () => {
    const pauses = [(await startPod('root-a')).infra.infra.pid, (await startPod('root-b')).infra.infra.pid];
    const [a, b] = pauses.map((pid) => readlinkSync(`/proc/${pid}/ns/mnt`));
    assert.equal(a, b, 'the pauses share one mount namespace');
    assert.notEqual(a, readlinkSync('/proc/self/ns/mnt'));
    for (const pid of pauses) {
      const mounts = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').trim().split('\n');
      assert.equal(mounts.length, 1, `nothing but its root: ${mounts.join('; ')}`);
      assert.match(mounts[0], / \/ \/ ro,nosuid,nodev,noexec[^ ]* - tmpfs /);
      assert.deepEqual(readdirSync(`/proc/${pid}/root/`), []);
      assert.equal(readlinkSync(`/proc/${pid}/cwd`), '/');
    }
  });

  it('an infra told to wait for what failed starts nothing and pins nothing', async () => {
    const spec: SandboxInfraSpec = {
      id: 'never',
      bundleDir: fixture.dir('never-bundle'),
      hostname: 'pod-never',
      namespaces: { net: { mode: 'new' }, ipc: { mode: 'new' }, uts: { mode: 'new' }, pid: { mode: 'new' } },
      sysctls: {},
      cgroupProcsFiles: [],
      pinDir: fixture.dir('never-pins'),
    };
    pods.push([spec.bundleDir, spec.pinDir]);
    const helpersBefore = helperPids();
    await assert.rejects(sandboxes.startInfra(spec, Promise.reject(new Error('cgroups could not be made'))));
    assert.deepEqual(await fs.readdir(spec.pinDir), []);
    assert.ok(!(await fs.readFile('/proc/self/mountinfo', 'utf8')).includes(spec.pinDir), 'nothing pinned');
    assert.deepEqual(
      helperPids().filter((pid) => !helpersBefore.includes(pid)),
      [],
      'no helper or pause of it left',
    );
  });

  it('stops the infra and removes its pins, idempotently', async () => {
    const { spec, infra } = await startPod('stop');
    assert.equal(await isAlive(infra.infra), true);
    await sandboxes.stopInfra(spec.bundleDir, spec.pinDir);
    assert.equal(await isAlive(infra.infra), false);
    assert.deepEqual(await fs.readdir(spec.pinDir), []);
    const mounts = await fs.readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(spec.pinDir), 'a pin is still mounted');
    await sandboxes.stopInfra(spec.bundleDir, spec.pinDir);
  });

  it('puts the infra, the container init and execs into the given cgroups', async () => {
    const cgroup = `/sys/fs/cgroup/pids/corral-test-${randomBytes(4).toString('hex')}`;
    await fs.mkdir(cgroup);
    cgroups.push(cgroup);
    const procs = path.join(cgroup, 'cgroup.procs');
    const { infra } = await startPod('cg', { cgroupProcsFiles: [procs] });
    assert.ok((await fs.readFile(procs, 'utf8')).split('\n').includes(String(infra.infra.pid)));
    const spec = await fixture.containerSpec(['sleep', '1000'], { cgroupProcsFiles: [procs] });
    fixture.track(spec.bundleDir);
    const created = await containers.create(spec);
    await containers.start(spec.bundleDir);
    assert.ok((await fs.readFile(procs, 'utf8')).split('\n').includes(String(created.init.pid)));
    const self = await containers.execSync(spec.bundleDir, processSpec(['cat', '/proc/self/cgroup']), 0);
    assert.match(
      self.stdout.toString(),
      /pids:\/\n/,
      'exec is not in the container cgroup (as its cgroup namespace root)',
    );
  });
});

/** corral-helper and corral-pause processes on the host now. */
function helperPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return /^corral-(helper|pause)$/.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      } catch {
        return false;
      }
    })
    .map(Number);
}
