// Removing trees a container or an image made (issue 15): removeTree against what corral used
// before, in one run, interleaved, on one file system. A big tree (one directory of --files empty
// files, as a container's /tmp can be) against node's fs.promises.rm: the most file-system
// requests in flight, the longest the event loop was held (the largest gap between two turns of
// a setImmediate loop) and the whole removal's time. Small trees (a snapshot's upper and work
// directories with a few files a container wrote) against a blocking rmSync: microseconds per
// removal. A deep tree (--depth directories nested one in another, each with one file, paths far
// past PATH_MAX: fs.rm cannot remove it) against `rm -rf` (GNU coreutils, one process): ms per
// directory. Ratios are removeTree / reference; lower is better.
// usage: node dist/bench/tree_removal.js [--files 50000] [--runs 3] [--small 400] [--depth 0] [--dir <parent>]
import { execFile } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  promises as fs,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { promisify } from 'node:util';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { removeTree } from '../runtime/remove_tree';
import { percentile } from './stats';

interface BigRun {
  inFlight: number;
  gapMs: number;
  totalMs: number;
}

type Remover = (dir: string) => Promise<void>;

const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

function bigTree(dir: string, files: number): void {
  mkdirSync(path.join(dir, 'upper', 'tmp'), { recursive: true });
  mkdirSync(path.join(dir, 'work', 'work'), { recursive: true });
  for (let i = 0; i < files; i++) closeSync(openSync(path.join(dir, 'upper', 'tmp', `f${i}`), 'w'));
}

function smallTree(dir: string): void {
  mkdirSync(path.join(dir, 'upper', 'etc'), { recursive: true });
  mkdirSync(path.join(dir, 'work', 'work'), { recursive: true });
  writeFileSync(path.join(dir, 'meta.json'), '{"key":"k","imageId":"sha256:0","chainIds":[]}');
  writeFileSync(path.join(dir, 'upper', 'etc', 'resolv.conf'), 'nameserver 10.0.0.10\n');
}

/** `depth` directories nested, a file in each, made in chains of 1,000 renamed one into the
 *  bottom of the one before: no path used to make it is past PATH_MAX, though the tree's are. */
function deepTree(dir: string, depth: number): void {
  const chains = Math.ceil(depth / 1000);
  const chain = (k: number) => path.join(dir, `c${k}`);
  const levels = (k: number) => Math.min(1000, depth - k * 1000);
  const bottom = (k: number) => path.join(chain(k), ...Array<string>(levels(k) - 1).fill('d'));
  for (let k = 0; k < chains; k++) {
    let level = chain(k);
    mkdirSync(bottom(k), { recursive: true });
    for (let i = 0; i < levels(k); i++, level = path.join(level, 'd')) writeFileSync(path.join(level, 'f'), 'x');
  }
  for (let k = chains - 2; k >= 0; k--) renameSync(chain(k + 1), path.join(bottom(k), 'd'));
}

const rmRf = async (dir: string) => void (await promisify(execFile)('rm', ['-rf', dir]));

/** Removes `dir` while a setImmediate loop samples requests in flight and the gaps between its turns. */
async function measureBig(remove: Remover, dir: string): Promise<BigRun> {
  let inFlight = 0;
  let gapMs = 0;
  let running = true;
  let last = process.hrtime.bigint();
  const sample = () => {
    gapMs = Math.max(gapMs, ms(last));
    last = process.hrtime.bigint();
    inFlight = Math.max(inFlight, process.getActiveResourcesInfo().filter((r) => r.startsWith('FSReq')).length);
    if (running) setImmediate(sample);
  };
  setImmediate(sample);
  const started = process.hrtime.bigint();
  await remove(dir);
  const totalMs = ms(started);
  running = false;
  return { inFlight, gapMs, totalMs };
}

function row(label: string, ours: number[], reference: number[], digits: number): string {
  const a = percentile(ours, 50);
  const b = percentile(reference, 50);
  return `| ${label} | ${a.toFixed(digits)} | ${b.toFixed(digits)} | ${(a / b).toFixed(2)}x |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '50000' },
      runs: { type: 'string', default: '3' },
      small: { type: 'string', default: '400' },
      depth: { type: 'string', default: '0' },
      dir: { type: 'string', default: os.tmpdir() },
    },
  });
  const files = Number(values.files);
  const base = mkdtempSync(path.join(values.dir, 'corral-bench-trees-'));
  const big: Record<'ours' | 'reference', BigRun[]> = { ours: [], reference: [] };
  const small: Record<'ours' | 'reference', number[]> = { ours: [], reference: [] };
  const deep: Record<'ours' | 'reference', number[]> = { ours: [], reference: [] };
  const depth = Number(values.depth);
  const removers: Record<'ours' | 'reference', [Remover, Remover]> = {
    ours: [removeTree, removeTree],
    reference: [(dir) => fs.rm(dir, { recursive: true, force: true }), async (dir) => rmSync(dir, { recursive: true })],
  };
  try {
    for (let run = 0; run < Number(values.runs); run++) {
      for (const side of run % 2 === 0 ? (['ours', 'reference'] as const) : (['reference', 'ours'] as const)) {
        const dir = path.join(base, `big-${side}-${run}`);
        bigTree(dir, files);
        big[side].push(await measureBig(removers[side][0], dir));
        console.log(`run ${run} ${side}: ${JSON.stringify(big[side].at(-1))}`);
      }
    }
    for (let run = 0; depth > 0 && run < Number(values.runs); run++) {
      for (const side of run % 2 === 0 ? (['ours', 'reference'] as const) : (['reference', 'ours'] as const)) {
        const dir = path.join(base, `deep-${side}-${run}`);
        deepTree(dir, depth);
        const started = process.hrtime.bigint();
        await (side === 'ours' ? removeTree(dir) : rmRf(dir));
        deep[side].push(ms(started) / depth);
        console.log(`deep run ${run} ${side}: ${deep[side].at(-1)!.toFixed(3)} ms per directory`);
      }
    }
    for (let i = 0; i < Number(values.small); i++) {
      for (const side of i % 2 === 0 ? (['ours', 'reference'] as const) : (['reference', 'ours'] as const)) {
        const dir = path.join(base, `small-${side}-${i}`);
        smallTree(dir);
        const started = process.hrtime.bigint();
        await removers[side][1](dir);
        small[side].push(ms(started) * 1000);
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  console.log(`\n${files} files in one directory, ${values.runs} runs each, p50; small trees ${values.small} each`);
  console.log('| | removeTree | reference | ratio |\n|---|---|---|---|');
  const pick = (side: 'ours' | 'reference', key: keyof BigRun) => big[side].map((r) => r[key]);
  console.log(row('big: most requests in flight (fs.rm)', pick('ours', 'inFlight'), pick('reference', 'inFlight'), 0));
  console.log(row('big: longest event-loop gap, ms', pick('ours', 'gapMs'), pick('reference', 'gapMs'), 1));
  console.log(row('big: removal, ms', pick('ours', 'totalMs'), pick('reference', 'totalMs'), 0));
  if (deep.ours.length > 0)
    console.log(row(`deep (${depth}): removal, ms per directory (rm -rf)`, deep.ours, deep.reference, 3));
  if (small.ours.length > 0) console.log(row('small: removal, µs (rmSync)', small.ours, small.reference, 1));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
