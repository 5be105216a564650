// Pod network set-up and tear-down time through CNI (loopback + bridge/host-local + portmap),
// on a private test bridge and subnet, netns made with `ip netns add`.
// usage: node dist/bench/cni_attach.js [--runs N]
import { parseArgs } from 'node:util';
import { CniPodNetwork } from '../runtime/network/pod_network';
import { NetworkFixture, PLUGIN_DIRS } from '../runtime/network/testing/fixture';
import { percentile } from './stats';

async function main(): Promise<void> {
  const runs = Number(parseArgs({ options: { runs: { type: 'string', default: '20' } } }).values.runs);
  const fx = await NetworkFixture.create();
  const network = new CniPodNetwork({
    enabled: true,
    confDir: fx.confDir,
    binDirs: PLUGIN_DIRS,
    cacheDir: fx.cacheDir,
  });
  try {
    await fx.writeConflist([fx.bridgePlugin(), { type: 'portmap', capabilities: { portMappings: true }, snat: true }]);
    await network.start();
    const up: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < runs; i++) {
      const netnsPath = await fx.addNetns();
      const podId = `${fx.tag}bench${i}`;
      const portMappings = [{ hostPort: 30000 + i, containerPort: 80, protocol: 'tcp' as const, hostIP: '127.0.0.1' }];
      up.push(
        await timed(() =>
          network.setUp({ podId, name: `b${i}`, namespace: 'bench', uid: `u${i}`, netnsPath, portMappings }),
        ),
      );
      down.push(await timed(() => network.tearDown(podId)));
      await fx.deleteNetns(netnsPath);
    }
    const line = (name: string, v: number[]) =>
      `${name}: p50 ${percentile(v, 50).toFixed(1)} ms, p95 ${percentile(v, 95).toFixed(1)} ms`;
    console.log(`CNI attach, ${runs} pods (loopback + bridge/host-local + portmap)`);
    console.log(line('setUp (ADD)', up));
    console.log(line('tearDown (DEL)', down));
  } finally {
    network.close();
    await fx.cleanup();
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
