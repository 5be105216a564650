// The socket is served during recovery: Version at once, everything else only once recovery is done.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { CriClient } from '../cli/cri_client';
import { makeFakeWorld, openFakeLifecycle, samplePodConfig } from '../runtime/testing/fake_lifecycle';
import { moduleLogger } from '../runtime/log';
import { defaultConfig } from './config/config';
import type { ServerContext } from './context';
import { buildServer } from './grpc_server';
import { OpenStreams } from './rpc_wrapper';

/** Binds `server` to a socket in `dir` and returns a client of it. */
async function serveOnSocket(server: grpc.Server, dir: string): Promise<CriClient> {
  const socket = path.join(dir, 'corral.sock');
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  return new CriClient(`unix://${socket}`, 10_000);
}

test('during recovery Version answers at once; ListPodSandbox waits and then sees the recovered pods', async () => {
  const world = await makeFakeWorld();
  const before = await openFakeLifecycle(world);
  await before.sandboxes.run(samplePodConfig('web'));
  before.close();

  const ctx: Partial<ServerContext> = { config: defaultConfig(), version: 'test' };
  let finishRecovery = () => {};
  const recovered = new Promise<void>((resolve) => (finishRecovery = resolve));
  const server = buildServer(ctx as ServerContext, moduleLogger('rpc-test'), new OpenStreams(), recovered);
  const client = await serveOnSocket(server, world.dir);
  try {
    assert.equal((await client.runtime('Version', {})).runtime_name, 'corral');
    let listed = false;
    const list = client.runtime('ListPodSandbox', {}).finally(() => (listed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(listed, false, 'ListPodSandbox is not answered before recovery is done');
    const lifecycle = await openFakeLifecycle(world);
    Object.assign(ctx, { lifecycle });
    finishRecovery();
    assert.deepEqual(
      (await list).items.map((pod) => pod.metadata?.name),
      ['web'],
    );
    lifecycle.close();
  } finally {
    client.close();
    server.forceShutdown();
    await fs.rm(world.dir, { recursive: true, force: true });
  }
});

test('once recovered, a method corral does not serve yet answers UNIMPLEMENTED naming what brings it', async () => {
  const world = await makeFakeWorld();
  const ctx: Partial<ServerContext> = { config: defaultConfig(), version: 'test' };
  const server = buildServer(ctx as ServerContext, moduleLogger('rpc-test'), new OpenStreams(), Promise.resolve());
  const client = await serveOnSocket(server, world.dir);
  try {
    await assert.rejects(client.runtime('CheckpointContainer', { container_id: 'a' }), (err: grpc.ServiceError) => {
      assert.equal(err.code, grpc.status.UNIMPLEMENTED);
      assert.match(err.details, /CheckpointContainer is not implemented yet in corral \(arrives with checkpointing\)/);
      return true;
    });
  } finally {
    client.close();
    server.forceShutdown();
    await fs.rm(world.dir, { recursive: true, force: true });
  }
});
