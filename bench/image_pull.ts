// Pull + unpack of a ~100 MB multi-layer image (random, incompressible layers) from a local
// docker-registry through corrald's PullImage, reported as time and MB/s; with --vs ENDPOINT
// the same pull through another CRI endpoint, side by side.
// usage: node dist/bench/image_pull.js [--runs N] [--mb 100] [--layers 4] [--vs unix:///run/containerd/containerd.sock]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Corrald } from '../conformance/harness/corrald';
import { buildImage, pushImage, startTestRegistry, type TreeEntry } from '../conformance/testimages';
import { CriClient } from '../cli/cri_client';
import { percentile } from './stats';

interface Run {
  seconds: number;
  mbPerSecond: number;
}

function randomLayers(totalMb: number, layers: number): TreeEntry[][] {
  const perLayer = Math.floor((totalMb * 1024 * 1024) / layers);
  return Array.from({ length: layers }, (_, i) => [
    { type: 'dir', path: `data${i}` },
    ...Array.from({ length: 8 }, (_, j): TreeEntry => ({
      type: 'file',
      path: `data${i}/blob${j}`,
      content: randomBytes(Math.floor(perLayer / 8)),
    })),
  ]);
}

async function timePull(client: CriClient, ref: string, bytes: number): Promise<Run> {
  const started = process.hrtime.bigint();
  await client.image('PullImage', { image: { image: ref } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await client.image('RemoveImage', { image: { image: ref } });
  return { seconds, mbPerSecond: bytes / 1e6 / seconds };
}

function row(name: string, runs: Run[]) {
  return {
    endpoint: name,
    p50Seconds: +percentile(
      runs.map((r) => r.seconds),
      50,
    ).toFixed(3),
    bestSeconds: +Math.min(...runs.map((r) => r.seconds)).toFixed(3),
    p50MBperS: +percentile(
      runs.map((r) => r.mbPerSecond),
      50,
    ).toFixed(1),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      mb: { type: 'string', default: '100' },
      layers: { type: 'string', default: '4' },
      vs: { type: 'string' },
    },
  });
  const registry = await startTestRegistry();
  const daemon = await Corrald.start();
  const other = values.vs ? new CriClient(values.vs, 600_000) : undefined;
  try {
    const image = await buildImage(randomLayers(Number(values.mb), Number(values.layers)), { Cmd: ['sh'] });
    await pushImage(registry, image, 'corral-bench/big', 'latest');
    const bytes = [...image.blobs.values()].reduce((n, b) => n + b.length, 0) + image.manifest.length;
    const ref = `${registry.host}/corral-bench/big:latest`;
    const corral: Run[] = [];
    const vs: Run[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      corral.push(await timePull(daemon.client, ref, bytes));
      if (other) vs.push(await timePull(other, ref, bytes));
    }
    console.log(
      `image: ${(bytes / 1e6).toFixed(1)} MB in ${values.layers} layers, runs=${values.runs}, registry ${registry.host} (loopback)`,
    );
    console.table(other ? [row('corrald', corral), row(values.vs!, vs)] : [row('corrald', corral)]);
  } finally {
    other?.close();
    await daemon.stop();
    await daemon.removeDirs();
    await registry.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
