// Runtime info over a real socket: Version, Status, RuntimeConfig, UpdateRuntimeConfig, and
// that every CRI method answers (never hangs, never fails as an internal error on empty input).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Corrald } from '../harness/corrald';
import { CriCallError, CriClient } from '../../cli/cri_client';
import { loadCriServices } from '../../proto/load';

async function grpcCode(call: Promise<unknown>): Promise<GrpcStatus | 'ok'> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    if (err instanceof CriCallError) return err.code;
    throw err;
  }
}

describe('runtime info', () => {
  let daemon: Corrald;
  before(async () => {
    daemon = await Corrald.start();
  });
  after(async () => {
    await daemon.stop();
    await daemon.removeDirs();
  });

  it('Version names corral and the v1 API', async () => {
    const version = await daemon.client.runtime('Version', {});
    assert.equal(version.runtime_name, 'corral');
    assert.equal(version.runtime_api_version, 'v1');
    const packageFile = path.resolve(__dirname, '..', '..', '..', 'package.json');
    const { version: packageVersion } = JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string };
    assert.equal(version.runtime_version, packageVersion);
  });

  it('Status reports RuntimeReady true and NetworkReady with a reason', async () => {
    const response = await daemon.client.runtime('Status', {});
    const byType = new Map(response.status!.conditions.map((c) => [c.type, c]));
    assert.equal(byType.get('RuntimeReady')?.status, true);
    const network = byType.get('NetworkReady');
    assert.ok(network, 'NetworkReady condition present');
    if (!network.status) assert.ok(network.reason.length > 0 && network.message.length > 0);
    assert.deepEqual(response.info, {}, 'no info unless verbose');
  });

  it('Status verbose returns the effective config', async () => {
    const response = await daemon.client.runtime('Status', { verbose: true });
    const config = JSON.parse(response.info.config) as { root: string; listen: string };
    assert.equal(config.root, daemon.dirs.root);
    assert.equal(config.listen, daemon.dirs.socket);
  });

  it('RuntimeConfig reports the cgroupfs driver', async () => {
    const response = await daemon.client.runtime('RuntimeConfig', {});
    assert.equal(response.linux?.cgroup_driver, 'CGROUPFS');
  });

  it('UpdateRuntimeConfig keeps the pod CIDR, and an empty one does not clear it', async () => {
    await daemon.client.runtime('UpdateRuntimeConfig', {
      runtime_config: { network_config: { pod_cidr: '10.244.1.0/24' } },
    });
    await daemon.client.runtime('UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '' } } });
    const response = await daemon.client.runtime('Status', { verbose: true });
    assert.equal((JSON.parse(response.info.config) as { pod_cidr: string }).pod_cidr, '10.244.1.0/24');
  });

  it('UpdateRuntimeConfig rejects a malformed CIDR', async () => {
    const code = await grpcCode(
      daemon.client.runtime('UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '10.0.0.0/99' } } }),
    );
    assert.equal(code, GrpcStatus.INVALID_ARGUMENT);
  });

  it('an ID that is not hex, or too long, is INVALID_ARGUMENT naming the field', async () => {
    for (const id of ['not-hex!', 'a'.repeat(65), '']) {
      await assert.rejects(daemon.client.runtime('ContainerStatus', { container_id: id }), (err: CriCallError) => {
        assert.equal(err.code, GrpcStatus.INVALID_ARGUMENT);
        assert.match(err.details, /container_id/);
        return true;
      });
    }
  });

  it('Stop and Remove succeed for IDs they cannot find, malformed ones included (critest uses UUIDs)', async () => {
    for (const id of ['45d21790-d5c7-4197-886a-a6716e5732ca', 'ab'.repeat(32)]) {
      await daemon.client.runtime('StopContainer', { container_id: id, timeout: '0' });
      await daemon.client.runtime('RemoveContainer', { container_id: id });
      await daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: id });
      await daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: id });
    }
  });

  it('checkpointing answers UNIMPLEMENTED with a message saying so', async () => {
    await assert.rejects(
      daemon.client.runtime('CheckpointContainer', { container_id: 'ab12' }),
      (err: CriCallError) => {
        assert.equal(err.code, GrpcStatus.UNIMPLEMENTED);
        assert.match(err.details, /not implemented/);
        return true;
      },
    );
  });

  it('every method answers an empty request without hanging or an internal error', async () => {
    const services = loadCriServices();
    const client = new CriClient(`unix://${daemon.dirs.socket}`, 10_000);
    try {
      for (const service of ['RuntimeService', 'ImageService'] as const) {
        const ctor = services[service];
        for (const [method, spec] of Object.entries(ctor.service as Record<string, { responseStream: boolean }>)) {
          const code = spec.responseStream
            ? await streamCode(client, service, method)
            : await grpcCode(
                service === 'RuntimeService' ? client.runtime(method, {} as never) : client.image(method, {} as never),
              );
          assert.notEqual(code, GrpcStatus.DEADLINE_EXCEEDED, `${service}.${method} hung`);
          assert.notEqual(code, GrpcStatus.INTERNAL, `${service}.${method} failed internally`);
          assert.notEqual(code, GrpcStatus.UNAVAILABLE, `${service}.${method} broke the connection`);
        }
      }
    } finally {
      client.close();
    }
  });
});

/** Opens a server stream and reports how it ended (or 'ok' if it is still open after a moment). */
function streamCode(client: CriClient, service: string, method: string): Promise<GrpcStatus | 'ok'> {
  return new Promise((resolve) => {
    const stream =
      service === 'RuntimeService'
        ? client.runtimeStream(method, {} as never)
        : client.imageStream(method, {} as never);
    const timer = setTimeout(() => {
      stream.cancel();
      resolve('ok');
    }, 500);
    stream.on('data', () => undefined);
    stream.on('error', (err: { code: GrpcStatus }) => {
      clearTimeout(timer);
      resolve(err.code === GrpcStatus.CANCELLED ? 'ok' : err.code);
    });
    stream.on('end', () => {
      clearTimeout(timer);
      resolve('ok');
    });
  });
}
