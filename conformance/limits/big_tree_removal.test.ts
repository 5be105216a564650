// RemoveContainer of a container that made tens of thousands of files (issue 15: removing a big
// tree held the event loop and filled the thread pool's queue). RemoveContainer replies once the
// snapshot is renamed out of its place; its files go after. While they go, corrald answers
// ListContainers (the event loop) and ImageFsInfo (file-system calls, which queued behind one
// request per removed file before): asked side by side, again and again, once the snapshot's
// files are seen going, they answer many times before the removal ends (before: at most 5 times,
// often never). Afterwards the container and every file it made are gone. No timing is asserted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { containerConfig, podConfig, startWorld, stopWorld, type LifecycleWorld } from '../lifecycle/fixture';

const FILES = 30_000;
/** Rounds answered during the removal: before, the first waited for every unlink queued ahead of it. */
const ROUNDS = 20;

let world: LifecycleWorld | undefined;
let podId = '';

before(async () => {
  world = await startWorld('limits-bigtree');
});

after(async () => {
  if (world && podId) {
    await world.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await world.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await stopWorld(world);
});

/** Polls the container until its script has made every file (no deadline: the test's own applies). */
async function untilMade(id: string): Promise<void> {
  for (;;) {
    const r = await world!.daemon.client.runtime('ExecSync', {
      container_id: id,
      cmd: ['test', '-e', '/made'],
      timeout: 10,
    });
    if (r.exit_code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const trashLeft = (snapshots: string): boolean => readdirSync(snapshots).some((name) => name.startsWith('.trash-'));

/** Files left in the container's /many under the snapshot's trash (0 once the trash is gone). */
function filesLeft(snapshots: string): number {
  const trash = readdirSync(snapshots).find((name) => name.startsWith('.trash-'));
  if (!trash) return 0; // removed already (RemoveContainer replied before: it was renamed)
  try {
    return readdirSync(path.join(snapshots, trash, 'upper', 'many')).length;
  } catch {
    return 0; // gone already
  }
}

test(`RemoveContainer of a container that made ${FILES} files: corrald answers meanwhile, the files go`, async () => {
  const client = world!.daemon.client;
  const pod = podConfig('limits-bigtree');
  podId = (await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
  const script = `mkdir /many && cd /many && seq ${FILES} | xargs touch && touch /made && exec sleep 1000`;
  const config = containerConfig(world!.images.busybox, 'many', ['sh', '-c', script]);
  const { container_id: id } = await client.runtime('CreateContainer', {
    pod_sandbox_id: podId,
    config,
    sandbox_config: pod,
  });
  await client.runtime('StartContainer', { container_id: id });
  await untilMade(id);
  await client.runtime('StopContainer', { container_id: id, timeout: 0 });

  const snapshots = path.join(world!.daemon.dirs.root, 'snapshots');
  await client.runtime('RemoveContainer', { container_id: id });
  const listed = await client.runtime('ListContainers', { filter: null });
  assert.ok(!listed.containers.some((c) => c.id === id));
  // The snapshot is renamed to .trash-* before RemoveContainer replies, and its tree removed
  // after; once files are missing from it the removal is well under way.
  while (filesLeft(snapshots) >= FILES) await new Promise((r) => setTimeout(r, 2));
  let rounds = 0; // ListContainers and ImageFsInfo side by side, again and again, finished before the removal
  while (trashLeft(snapshots)) {
    await Promise.all([client.runtime('ListContainers', { filter: null }), client.image('ImageFsInfo', {})]);
    if (trashLeft(snapshots)) rounds++;
  }
  console.log(`ListContainers + ImageFsInfo answered ${rounds} times during the removal of ${FILES} files`);

  assert.ok(rounds >= ROUNDS, `corrald answered ${rounds} rounds during the removal, want ${ROUNDS} or more`);
  assert.deepEqual(
    readdirSync(snapshots).filter((name) => name.includes(id) || name.startsWith('.')),
    [],
    'no snapshot directory or trash left',
  );
});
