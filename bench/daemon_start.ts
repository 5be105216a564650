// corrald start-to-socket-ready time and idle RSS, beside the floor: a bare Node process that
// loads grpc-js and listens on a unix socket (what any Node CRI server must pay).
// usage: node dist/bench/daemon_start.js [--runs N] [--reference <other checkout>/dist] [--pods N]
// (--reference: that build's corrald too, interleaved run by run, e.g. the commit before a change;
//  --pods: every corrald starts on one state holding N pods with a running container each, made
//  once before the runs, so recovery is part of the time)
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { canConnect, Corrald, corraldArgs } from '../conformance/harness/corrald';
import { CriClient } from '../cli/cri_client';
import { makePodsOnDisk, type PodsOnDisk } from './pods_on_disk';
import { percentile, rssKiB } from './stats';

async function timeCorraldReady(program?: string, state?: PodsOnDisk): Promise<{ ms: number; rssKiB: number }> {
  const dirs = state?.dirs ?? Corrald.makeDirs();
  const args = corraldArgs(dirs, state ? ['--config', state.configFile] : []);
  if (program) args[0] = program;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  // Poll with plain connects: a grpc client that fails once backs off for a second.
  while (!(await canConnect(dirs.socket))) await new Promise((resolve) => setTimeout(resolve, 2));
  const client = new CriClient(`unix://${dirs.socket}`, 5000);
  try {
    await client.runtime('Version', {});
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // idle
    return { ms, rssKiB: await rssKiB(child.pid!) };
  } finally {
    client.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    if (!state) await fs.rm(dirs.base, { recursive: true, force: true });
  }
}

async function timeFloorReady(): Promise<{ ms: number; rssKiB: number }> {
  const dirs = Corrald.makeDirs();
  await fs.mkdir(dirs.state, { recursive: true });
  const socket = path.join(dirs.state, 'floor.sock');
  const script = `const g=require('@grpc/grpc-js');const s=new g.Server();s.bindAsync('unix://${socket}',g.ServerCredentials.createInsecure(),()=>{process.stdout.write('ready\\n')});`;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
    cwd: path.resolve(__dirname, '..', '..'),
  });
  try {
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { ms, rssKiB: await rssKiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await fs.rm(dirs.base, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      reference: { type: 'string' },
      pods: { type: 'string', default: '0' },
    },
  });
  const runs = Number(values.runs);
  const pods = Number(values.pods);
  const state = pods > 0 ? await makePodsOnDisk(pods) : undefined;
  try {
    await compare(runs, values.reference, state);
  } finally {
    await state?.remove();
  }
}

async function compare(runs: number, referenceDist: string | undefined, state?: PodsOnDisk): Promise<void> {
  const reference = referenceDist && path.resolve(referenceDist, 'server', 'main.js');
  const corral: Array<{ ms: number; rssKiB: number }> = [];
  const referenceCorral: Array<{ ms: number; rssKiB: number }> = [];
  const floor: Array<{ ms: number; rssKiB: number }> = [];
  for (let i = 0; i < runs; i++) {
    corral.push(await timeCorraldReady(undefined, state));
    if (reference) referenceCorral.push(await timeCorraldReady(reference, state));
    floor.push(await timeFloorReady());
  }
  const row = (name: string, xs: Array<{ ms: number; rssKiB: number }>) => ({
    name,
    readyP50Ms: percentile(
      xs.map((x) => x.ms),
      50,
    ),
    readyP99Ms: percentile(
      xs.map((x) => x.ms),
      99,
    ),
    idleRssMiB:
      percentile(
        xs.map((x) => x.rssKiB),
        50,
      ) / 1024,
  });
  const a = row('corrald', corral);
  const b = row('node+grpc floor', floor);
  const r = reference ? row('reference corrald', referenceCorral) : undefined;
  console.table(r ? [a, r, b] : [a, b]);
  if (r) {
    console.log(
      `ratio corrald/reference: ready p50 ${(a.readyP50Ms / r.readyP50Ms).toFixed(2)}x, idle RSS ${(a.idleRssMiB / r.idleRssMiB).toFixed(2)}x`,
    );
  }
  console.log(
    `ratio corrald/floor: ready p50 ${(a.readyP50Ms / b.readyP50Ms).toFixed(2)}x, idle RSS ${(a.idleRssMiB / b.idleRssMiB).toFixed(2)}x (runs=${runs}, pods on disk=${state ? 'yes' : 0})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
