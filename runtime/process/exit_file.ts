// The exit record the monitor writes atomically to <bundle>/exit (see corral-monitor/exit_file.c).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExitInfo } from './contract';
import { writeFileAtomic } from '../store/atomic_file';

export const EXIT_FILE = 'exit';

export function parseExitFile(text: string): ExitInfo {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const info: ExitInfo = {
    exitCode: Number(values.get('exit_code') ?? 255),
    finishedAt: values.get('finished_at') ?? '',
  };
  if (values.has('signal')) info.signal = values.get('signal');
  if (values.has('started_at')) info.startedAt = values.get('started_at');
  const oomKills = Number(values.get('oom_kill'));
  if (values.has('oom_kill') && Number.isSafeInteger(oomKills)) info.oomKills = oomKills;
  return info;
}

/** One blocking read of the monitor's small file in corral's own state, not four thread-pool round trips. */
export async function readExitFile(bundleDir: string): Promise<ExitInfo | undefined> {
  try {
    return parseExitFile(readFileSync(path.join(bundleDir, EXIT_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** For a monitor that died without writing one (killed): the container's fate is unknown. */
export async function writeLostExit(bundleDir: string): Promise<ExitInfo> {
  const info: ExitInfo = { exitCode: 255, finishedAt: rfc3339Nano(new Date()) };
  await writeFileAtomic(path.join(bundleDir, EXIT_FILE), `exit_code=255\nfinished_at=${info.finishedAt}\n`);
  return info;
}

/** JavaScript dates have milliseconds; pad to the nanosecond form the monitor writes. */
export function rfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}
