// CreateContainer + StartContainer latency with the cgroupfs and the systemd cgroup driver, side
// by side in one run (two corralds on one node, containers interleaved), as p50/p90 and the ratio.
// Needs systemd as pid 1: run it in the systemd guest,
//   conformance/vm/systemd-vm.sh [--v1] -- node dist/bench/cgroup_drivers.js [--runs N]
import { parseArgs } from 'node:util';
import { Corrald } from '../conformance/harness/corrald';
import { containerConfig, podConfig } from '../conformance/lifecycle/fixture';
import { pushTestImages, startTestRegistry } from '../conformance/testimages';
import { percentile } from './stats';

const DRIVERS = ['cgroupfs', 'systemd'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
  const runs = Number(values.runs);
  const registry = await startTestRegistry();
  const images = await pushTestImages(registry);
  const daemons = new Map<string, { daemon: Corrald; podId: string; ms: number[] }>();
  try {
    for (const driver of DRIVERS) {
      const parent = driver === 'systemd' ? 'corralbench.slice' : '/corralbench';
      const daemon = await Corrald.start({
        configToml: `cgroup_driver = "${driver}"\ndefault_cgroup_parent = "/corralbench"\n[cni]\nenabled = false\n`,
      });
      await daemon.client.image('PullImage', { image: { image: images.busybox }, auth: null });
      const config = podConfig(`bench-${driver}`, { linux: { cgroup_parent: parent } });
      const { pod_sandbox_id: podId } = await daemon.client.runtime('RunPodSandbox', { config, runtime_handler: '' });
      daemons.set(driver, { daemon, podId, ms: [] });
    }
    for (let i = 0; i < runs; i++) {
      for (const driver of DRIVERS) {
        const d = daemons.get(driver)!;
        const config = containerConfig(images.busybox, `c${i}`, ['sleep', '1000']);
        const start = process.hrtime.bigint();
        const { container_id: id } = await d.daemon.client.runtime('CreateContainer', {
          pod_sandbox_id: d.podId,
          config,
          sandbox_config: podConfig('bench'),
        });
        await d.daemon.client.runtime('StartContainer', { container_id: id });
        d.ms.push(Number(process.hrtime.bigint() - start) / 1e6);
        await d.daemon.client.runtime('RemoveContainer', { container_id: id });
      }
    }
    for (const [driver, d] of daemons)
      console.log(
        `create+start ${driver.padEnd(9)} p50 ${percentile(d.ms, 50).toFixed(1)} ms  p90 ${percentile(d.ms, 90).toFixed(1)} ms  (n=${d.ms.length})`,
      );
    const p50 = (driver: string) => percentile(daemons.get(driver)!.ms, 50);
    console.log(`ratio systemd/cgroupfs p50 ${(p50('systemd') / p50('cgroupfs')).toFixed(2)}x`);
  } finally {
    for (const d of daemons.values()) {
      await d.daemon.client.runtime('StopPodSandbox', { pod_sandbox_id: d.podId }).catch(() => undefined);
      await d.daemon.client.runtime('RemovePodSandbox', { pod_sandbox_id: d.podId }).catch(() => undefined);
      await d.daemon.stop();
      await d.daemon.removeDirs();
    }
    await registry.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
