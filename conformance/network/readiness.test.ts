// NetworkReady through a real corrald: false with NetworkPluginNotReady while its CNI conf dir
// holds no valid config, true once one appears; CNI disabled reports ready.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Corrald } from '../harness/corrald';

async function networkCondition(daemon: Corrald) {
  const response = await daemon.client.runtime('Status', {});
  return response.status!.conditions.find((c) => c.type === 'NetworkReady')!;
}

describe('NetworkReady follows the CNI conf dir', () => {
  let daemon: Corrald;
  let confDir: string;
  before(async () => {
    const dirs = Corrald.makeDirs();
    confDir = path.join(dirs.base, 'net.d');
    await fs.mkdir(confDir);
    daemon = await Corrald.start({ dirs, configToml: `[cni]\nconf_dir = "${confDir}"\nbin_dirs = ["/usr/lib/cni"]\n` });
  });
  after(async () => {
    await daemon.stop();
    await daemon.removeDirs();
  });

  it('is false with a reason while the dir is empty, or holds an invalid config', async () => {
    const empty = await networkCondition(daemon);
    assert.deepEqual([empty.status, empty.reason], [false, 'NetworkPluginNotReady']);
    assert.match(empty.message, /no CNI network config/);
    await fs.writeFile(path.join(confDir, '10-x.conflist'), '{"name": "x"');
    const invalid = await networkCondition(daemon);
    assert.equal(invalid.status, false);
    assert.match(invalid.message, /10-x\.conflist: not valid JSON/);
  });

  it('turns true once a valid config appears', async () => {
    const list = { cniVersion: '1.0.0', name: 'ready-test', plugins: [{ type: 'loopback' }] };
    await fs.writeFile(path.join(confDir, '10-x.conflist'), JSON.stringify(list));
    const ready = await networkCondition(daemon);
    assert.deepEqual([ready.status, ready.reason], [true, '']);
    const verbose = await daemon.client.runtime('Status', { verbose: true });
    assert.deepEqual((JSON.parse(verbose.info.cniconfig) as { network: unknown }).network, {
      name: 'ready-test',
      cniVersion: '1.0.0',
      source: path.join(confDir, '10-x.conflist'),
      plugins: ['loopback'],
    });
  });
});

describe('NetworkReady with CNI disabled', () => {
  let daemon: Corrald;
  before(async () => {
    daemon = await Corrald.start({ configToml: '[cni]\nenabled = false\nconf_dir = "/nonexistent-corral-cni"\n' });
  });
  after(async () => {
    await daemon.stop();
    await daemon.removeDirs();
  });

  it('is true', async () => {
    assert.equal((await networkCondition(daemon)).status, true);
  });
});
