// corrald start-to-socket-ready time and idle RSS, beside the floor: a bare Node process that
// loads grpc-js, listens on a unix socket and answers Version (what any Node CRI server must pay),
// timed the same way (socket polled, then one Version call from this process's client).
// usage: node dist/bench/daemon_start.js [--runs N] [--reference <other checkout>/dist] [--pods N]
//        [--inherit-env] [--settle S]
// (--reference: that build's corrald too, interleaved run by run, e.g. the commit before a change;
//  "ready" is the first Version answered, "listed" the first ListPodSandbox answered after it
//  (what kubelet asks next: it waits for recovery). RSS is read 1 s after ready ("idle") and
//  again S s after ready ("settled", default 10: V8's memory reducer runs about 8 s after start).
//  --pods: every corrald starts on one state holding N pods with a running container each, made
//  once before the runs, so recovery is part of the time. Without it each build restarts on its
//  own empty roots, as a node restarts corrald.
//  Each build starts once unmeasured first (its "first start" column): a new build's first start
//  compiles everything and saves V8's code cache under the root for the starts after it.
//  Every process gets this process's environment less NODE_EXTRA_CA_CERTS, which a service
//  manager does not set but some shells do: Node parses that file before any script runs, +55 ms
//  for a system bundle on this machine, for corrald and the floor alike. --inherit-env keeps it.)
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { canConnect, Corrald, corraldArgs, type CorraldDirs } from '../conformance/harness/corrald';
import { CriClient } from '../cli/cri_client';
import { makePodsOnDisk, type PodsOnDisk } from './pods_on_disk';
import { percentile, rssKiB } from './stats';

interface Sample {
  ms: number;
  listedMs?: number;
  rssKiB: number;
  settledRssKiB: number;
}

let settleMs = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS 1 s after ready and `settleMs` after ready. */
async function idleRss(pid: number): Promise<{ rssKiB: number; settledRssKiB: number }> {
  await sleep(1000);
  const rss = await rssKiB(pid);
  await sleep(Math.max(0, settleMs - 1000));
  return { rssKiB: rss, settledRssKiB: await rssKiB(pid) };
}

let childEnv: NodeJS.ProcessEnv = process.env;

/** Polls `socket` until it accepts, then calls Version; ms from `started` to its answer. */
async function timeVersionAnswered(socket: string, started: bigint, client: CriClient): Promise<number> {
  // Poll with plain connects: a grpc client that fails once backs off for a second.
  while (!(await canConnect(socket))) await new Promise((resolve) => setTimeout(resolve, 2));
  await client.runtime('Version', {});
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function timeCorraldReady(dirs: CorraldDirs, program?: string, state?: PodsOnDisk): Promise<Sample> {
  const args = corraldArgs(dirs, state ? ['--config', state.configFile] : []);
  if (program) args[0] = program;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: 'ignore', env: childEnv });
  const client = new CriClient(`unix://${dirs.socket}`, 5000);
  try {
    const ms = await timeVersionAnswered(dirs.socket, started, client);
    await client.runtime('ListPodSandbox', {});
    const listedMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { ms, listedMs, ...(await idleRss(child.pid!)) };
  } finally {
    client.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/**
 * The floor: node, grpc-js listening on a unix socket and answering Version (an empty
 * VersionResponse, no protobuf library), timed the way corrald is: socket polled, Version answered.
 */
async function timeFloorReady(): Promise<Sample> {
  const dirs = Corrald.makeDirs();
  await fs.mkdir(dirs.state, { recursive: true });
  const socket = path.join(dirs.state, 'floor.sock');
  const script = [
    `const g=require('@grpc/grpc-js');const s=new g.Server();const raw=(b)=>b;`,
    `s.addService({Version:{path:'/runtime.v1.RuntimeService/Version',requestStream:false,responseStream:false,`,
    `requestSerialize:raw,requestDeserialize:raw,responseSerialize:raw,responseDeserialize:raw}},`,
    `{Version:(call,done)=>done(null,Buffer.alloc(0))});`,
    `s.bindAsync('unix://${socket}',g.ServerCredentials.createInsecure(),()=>{});`,
  ].join('');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', script], {
    stdio: 'ignore',
    cwd: path.resolve(__dirname, '..', '..'),
    env: childEnv,
  });
  const client = new CriClient(`unix://${socket}`, 5000);
  try {
    const ms = await timeVersionAnswered(socket, started, client);
    return { ms, ...(await idleRss(child.pid!)) };
  } finally {
    client.close();
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
      'inherit-env': { type: 'boolean', default: false },
      settle: { type: 'string', default: '10' },
    },
  });
  settleMs = Number(values.settle) * 1000;
  if (!values['inherit-env']) {
    childEnv = { ...process.env };
    delete childEnv.NODE_EXTRA_CA_CERTS;
  }
  const runs = Number(values.runs);
  const pods = Number(values.pods);
  const state = pods > 0 ? await makePodsOnDisk(pods) : undefined;
  // Without pods, each build has its own roots for all its runs (its code cache stays there).
  const ownDirs = [Corrald.makeDirs(), Corrald.makeDirs()];
  try {
    await compare(runs, values.reference, state ? [state.dirs, state.dirs] : ownDirs, state);
  } finally {
    await state?.remove();
    for (const dirs of ownDirs) await fs.rm(dirs.base, { recursive: true, force: true });
  }
}

async function compare(
  runs: number,
  referenceDist: string | undefined,
  [dirs, referenceDirs]: CorraldDirs[],
  state?: PodsOnDisk,
): Promise<void> {
  const reference = referenceDist && path.resolve(referenceDist, 'server', 'main.js');
  const corral: Sample[] = [];
  const referenceCorral: Sample[] = [];
  const floor: Sample[] = [];
  const first = await timeCorraldReady(dirs, undefined, state);
  const referenceFirst = reference ? await timeCorraldReady(referenceDirs, reference, state) : undefined;
  for (let i = 0; i < runs; i++) {
    corral.push(await timeCorraldReady(dirs, undefined, state));
    if (reference) referenceCorral.push(await timeCorraldReady(referenceDirs, reference, state));
    floor.push(await timeFloorReady());
  }
  const p50 = (xs: number[]) => percentile(xs, 50);
  const row = (name: string, xs: Sample[], firstStart?: Sample) => ({
    name,
    firstStartMs: firstStart?.ms,
    readyP50Ms: p50(xs.map((x) => x.ms)),
    readyP99Ms: percentile(
      xs.map((x) => x.ms),
      99,
    ),
    listedP50Ms: xs[0]?.listedMs === undefined ? undefined : p50(xs.map((x) => x.listedMs!)),
    idleRssMiB: p50(xs.map((x) => x.rssKiB)) / 1024,
    settledRssMiB: p50(xs.map((x) => x.settledRssKiB)) / 1024,
  });
  const a = row('corrald', corral, first);
  const b = row('node+grpc floor', floor);
  const r = reference ? row('reference corrald', referenceCorral, referenceFirst) : undefined;
  console.table(r ? [a, r, b] : [a, b]);
  if (r) {
    console.log(
      `ratio corrald/reference: ready p50 ${(a.readyP50Ms / r.readyP50Ms).toFixed(2)}x, listed p50 ${(a.listedP50Ms! / r.listedP50Ms!).toFixed(2)}x, idle RSS ${(a.idleRssMiB / r.idleRssMiB).toFixed(2)}x, settled RSS ${(a.settledRssMiB / r.settledRssMiB).toFixed(2)}x`,
    );
  }
  console.log(
    `ratio corrald/floor: ready p50 ${(a.readyP50Ms / b.readyP50Ms).toFixed(2)}x, idle RSS ${(a.idleRssMiB / b.idleRssMiB).toFixed(2)}x, settled RSS ${(a.settledRssMiB / b.settledRssMiB).toFixed(2)}x (runs=${runs}, pods on disk=${state ? 'yes' : 0}, NODE_EXTRA_CA_CERTS ${childEnv.NODE_EXTRA_CA_CERTS ? 'kept' : 'unset'})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
