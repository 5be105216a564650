// Test helpers: start a shell command inside a cgroup (it writes its own pid into every
// procs file, then execs) and wait for processes; each started process is tracked so the
// suite can reap it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CgroupHandle } from '../contract';
import { pollUntil } from '../fs_util';

export interface Started {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `script` with sh; it joins the cgroup (exit 99 if it cannot) before running the script. */
function spawnIn(handle: CgroupHandle, script: string): Started {
  const join = 'for f; do echo $$ > "$f" || exit 99; done; exec /bin/sh -c "$CORRAL_TEST_SCRIPT"';
  const child = spawn('/bin/sh', ['-c', join, 'sh', ...handle.procsFiles()], {
    stdio: 'ignore',
    env: { ...process.env, CORRAL_TEST_SCRIPT: script },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited };
}

/** Runs a short `script` inside `handle` to its end; how it ended (a failed join exits 99). */
export async function runToEnd(
  handle: CgroupHandle,
  script: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return spawnIn(handle, script).exited;
}

/** Runs a short `script` inside `handle` to its end; returns its exit code. */
export async function runToExit(handle: CgroupHandle, script: string): Promise<number | null> {
  return (await runToEnd(handle, script)).code;
}

/** Runs `script` with sh inside `handle`; resolves once the process is in the cgroup. */
export async function startIn(handle: CgroupHandle, script: string): Promise<Started> {
  const { child, exited } = spawnIn(handle, script);
  const joined = await pollUntil(
    async () => (await handle.pids()).includes(child.pid!) || child.exitCode !== null,
    10_000,
  );
  if (!joined || child.exitCode !== null)
    throw new Error(`process did not join ${handle.path} (exit ${child.exitCode})`);
  return { child, exited };
}

/** The directory holding `file` among the handle's hierarchy directories. */
export function dirWith(handle: CgroupHandle, file: string): string {
  const dirs = handle.procsFiles().map((f) => path.dirname(f));
  const found = dirs.find((d) => existsSync(path.join(d, file)));
  if (!found) throw new Error(`no ${file} in ${dirs.join(', ')}`);
  return found;
}
