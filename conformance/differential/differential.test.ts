// The differential suite: every config in configs.ts runs through corrald and through the
// reference (containerd + runc from Debian); the probe's normalised view must be the same,
// except for the differences allowed.md lists with their reasons.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CONFIGS as ALL_CONFIGS, POD_GROUPS } from './configs';
import { allowedBy, differences, formatDifference, parseAllowed, type Difference } from './diff';
import { Limiter } from './limiter';
import { normalise } from './normalise';
import { referenceInstalled } from './reference_containerd';
import { runAll } from './runner';
import { startWorld, stopWorld, type DiffWorld } from './world';

const ALLOWED_FILE = path.resolve(__dirname, '..', '..', '..', 'conformance', 'differential', 'allowed.md');
const REPORT_FILE = process.env.CORRAL_DIFF_REPORT ?? path.join(os.tmpdir(), 'corral-differential-report.txt');
/** Containers in flight at once, over both runtimes. */
const CONCURRENCY = Number(process.env.CORRAL_DIFF_CONCURRENCY ?? 6);

/** CORRAL_DIFF_ONLY=name,name runs only those configs (while working on one difference). */
const ONLY = process.env.CORRAL_DIFF_ONLY?.split(',');
const CONFIGS = ONLY ? ALL_CONFIGS.filter((config) => ONLY.includes(config.name)) : ALL_CONFIGS;

let world: DiffWorld | undefined;

before(async () => {
  assert.ok(referenceInstalled(), 'containerd and runc missing: run conformance/setup-host.sh');
  world = await startWorld();
});
after(async () => {
  if (world) await stopWorld(world);
});

test(`corral and containerd+runc show a container the same view (${CONFIGS.length} configs)`, async (t) => {
  const { corral, reference } = world!;
  const limiter = new Limiter(CONCURRENCY);
  const [ours, theirs] = await Promise.all([
    runAll(corral!, POD_GROUPS, CONFIGS, limiter),
    runAll(reference!, POD_GROUPS, CONFIGS, limiter),
  ]);
  const allowed = parseAllowed(readFileSync(ALLOWED_FILE, 'utf8'));
  const found: Difference[] = [];
  for (const config of CONFIGS) {
    const a = normalise(ours.get(config.name)!, corral!.places);
    const b = normalise(theirs.get(config.name)!, reference!.places);
    found.push(...differences(config.name, a, b));
  }
  const unexplained = found.filter((d) => !allowedBy(d, allowed));
  const unused = allowed.filter((entry) => !found.some((d) => allowedBy(d, [entry]) === entry));
  writeFileSync(
    REPORT_FILE,
    report(
      found,
      unexplained,
      unused.map((e) => `${e.configs === '*' ? '*' : e.configs.join(' ')} ${e.keys.join(' ')}`),
      ours,
      theirs,
    ),
  );
  t.diagnostic(
    `${CONFIGS.length} configs, ${found.length} differences, ${found.length - unexplained.length} allowed, ` +
      `${unexplained.length} unexplained, ${unused.length} allowed rows unused; report: ${REPORT_FILE}`,
  );
  assert.equal(
    unexplained.length,
    0,
    `differences not in allowed.md:\n${unexplained.map(formatDifference).join('\n')}`,
  );
});

function report(
  found: Difference[],
  unexplained: Difference[],
  unused: string[],
  ours: Map<string, unknown>,
  theirs: Map<string, unknown>,
): string {
  const lines = [`# ${found.length} differences, ${unexplained.length} unexplained`, ''];
  for (const d of unexplained) lines.push(`UNEXPLAINED ${formatDifference(d)}`);
  lines.push('', '# all differences');
  for (const d of found) lines.push(formatDifference(d));
  lines.push('', '# allowed rows that matched nothing', ...unused, '', '# raw probe output');
  for (const config of CONFIGS) {
    lines.push(`## ${config.name} corral`, JSON.stringify(ours.get(config.name)), `## ${config.name} containerd`);
    lines.push(JSON.stringify(theirs.get(config.name)));
  }
  return lines.join('\n') + '\n';
}
