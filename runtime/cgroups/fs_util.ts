// Small, typed helpers for reading and writing cgroupfs files. Kernel rejections become typed
// errors naming the file, so a caller's message says which knob failed.
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InternalError, InvalidArgumentError, NotFoundError } from '../errors';

export async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw fsError(err, `read ${file}`);
  }
}

/** Reads a file, or returns undefined when it does not exist (controller absent or file missing). */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fsError(err, `read ${file}`);
  }
}

/** Reads a single-number file; "max" (v2) reads as undefined. */
export async function readNumber(file: string): Promise<number | undefined> {
  const text = (await readOptional(file))?.trim();
  if (text === undefined || text === 'max' || text === '') return undefined;
  return Number(text);
}

/** Parses "key value" lines (memory.stat, cpu.stat, memory.events, oom_control). */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) out.set(key, Number(value));
  }
  return out;
}

export async function readFlatKeyed(file: string): Promise<Map<string, number>> {
  return parseFlatKeyed((await readOptional(file)) ?? '');
}

/** Writes one value; `field` names the CRI field for the error a client sees. */
export async function writeValue(file: string, value: string, field?: string): Promise<void> {
  try {
    await fs.writeFile(file, value);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = `${field ? `${field}: ` : ''}kernel rejected ${JSON.stringify(value)} for ${path.basename(file)}`;
    if (code === 'EINVAL' || code === 'ERANGE' || code === 'EBUSY') throw new InvalidArgumentError(`${what} (${code})`);
    throw fsError(err, `write ${JSON.stringify(value)} to ${file}`);
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Pids listed in a cgroup.procs file; a vanished cgroup has none (ENODEV: removed while read). */
export async function readPids(procsFile: string): Promise<number[]> {
  const text = (await readOptional(procsFile).catch(vanishedAsEmpty)) ?? '';
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map(Number);
}

function vanishedAsEmpty(err: Error): string {
  if ((err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENODEV') return '';
  throw err;
}

/** The cgroup directory and all its descendant cgroups, deepest first (the order rmdir needs). */
export async function cgroupTreeDeepestFirst(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fsError(err, `list ${dir}`);
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) out.push(...(await cgroupTreeDeepestFirst(path.join(dir, entry.name))));
  }
  out.push(dir);
  return out;
}

/**
 * The pids in a cgroup and its descendants, read with blocking calls: cgroupfs answers from
 * memory in microseconds, against five thread-pool round trips per listing for the async walk,
 * which made most of a kill's time (it lists the cgroup three times or more). A cgroup removed
 * meanwhile lists as empty.
 */
export function pidsInTreeNow(dir: string): number[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fsError(err, `list ${dir}`);
  }
  const pids: number[] = [];
  for (const entry of entries) if (entry.isDirectory()) pids.push(...pidsInTreeNow(path.join(dir, entry.name)));
  let text = '';
  try {
    text = readFileSync(path.join(dir, 'cgroup.procs'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENODEV') throw fsError(err, `read ${dir}/cgroup.procs`);
  }
  for (const line of text.split('\n')) if (line !== '') pids.push(Number(line));
  return pids;
}

/** rmdir that treats "already gone" as success; returns false while the cgroup is still busy. */
export async function tryRmdir(dir: string): Promise<boolean> {
  try {
    await fs.rmdir(dir);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code === 'EBUSY' || code === 'ENOTEMPTY') return false;
    throw fsError(err, `rmdir ${dir}`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `done` until it holds or `timeoutMs` passes; returns whether it held. The wait between
 * tries starts at 1 ms and doubles up to `stepMs`: what is polled for (a removed child cgroup
 * going offline, a freeze settling) is usually a matter of a millisecond or two.
 */
export async function pollUntil(done: () => Promise<boolean>, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = Math.min(1, stepMs); ; wait = Math.min(wait * 2, stepMs)) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(wait);
  }
}

function fsError(err: unknown, what: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new NotFoundError(`${what}: no such cgroup file`, { cause: err });
  return new InternalError(`${what}: ${(err as Error).message}`, { cause: err });
}
