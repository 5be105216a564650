// Cgroup paths in cgroupfs form ("/kubepods/burstable/pod123/<id>"): checked so no input can
// climb out of a hierarchy, and created one level at a time so a driver can prepare each level.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InternalError, InvalidArgumentError } from '../errors';

/** Normalises to "/a/b"; rejects "..", NUL and the hierarchy root itself. */
export function normalizeCgroupPath(input: string): string {
  const parts = input.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0)
    throw new InvalidArgumentError(`cgroup path ${JSON.stringify(input)} names the hierarchy root`);
  for (const part of parts) {
    if (part === '..' || part.includes('\0'))
      throw new InvalidArgumentError(`cgroup path ${JSON.stringify(input)} is not allowed`);
  }
  return `/${parts.join('/')}`;
}

/** The cgroupfs driver's pod cgroup: "<parent>/<pod id>", the parent an absolute path. */
export function cgroupfsPodPath(parent: string, podId: string, defaultParent: string): string {
  const chosen = parent || defaultParent;
  if (!chosen.includes('/') && chosen.endsWith('.slice'))
    throw new InvalidArgumentError(
      `cgroup_parent ${JSON.stringify(chosen)} is a systemd slice but corrald runs with cgroup_driver "cgroupfs": ` +
        'set cgroup_driver = "systemd" in corrald (and kubelet) or send a cgroupfs path',
    );
  if (!chosen.startsWith('/') || chosen.split('/').includes('..'))
    throw new InvalidArgumentError(
      `cgroup_parent ${JSON.stringify(chosen)} must be an absolute cgroup path without ".."`,
    );
  return `${chosen.replace(/\/+$/, '')}/${podId}`;
}

/** Joins a hierarchy mount, a base inside it and a normalised cgroup path. */
export function cgroupDir(mountPoint: string, base: string, cgroupPath: string): string {
  return path.join(mountPoint, base, cgroupPath);
}

/**
 * Creates `dir` and any missing parents down from `root`, calling `prepare` on each level it
 * made, parents first (v1 cpuset must copy its parent's cpus before a child can be made).
 */
export async function mkdirLevels(
  root: string,
  dir: string,
  prepare?: (created: string) => Promise<void>,
): Promise<void> {
  const relative = path.relative(root, dir);
  if (relative.startsWith('..')) throw new InternalError(`${dir} is outside ${root}`);
  // The parent (the pod's cgroup) usually exists: one mkdir instead of one per level.
  if (relative !== '' && (await mkdirOne(dir, prepare)) !== 'no parent') return;
  let current = root;
  for (const part of relative.split(path.sep).filter((p) => p !== '')) {
    current = path.join(current, part);
    if ((await mkdirOne(current, prepare)) === 'no parent')
      throw new InternalError(`mkdir ${current}: a level above vanished`);
  }
}

/** One mkdir of `dir`, prepared when made; 'no parent' when a level above is missing. */
async function mkdirOne(
  dir: string,
  prepare?: (created: string) => Promise<void>,
): Promise<'made' | 'existed' | 'no parent'> {
  try {
    await fs.mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return 'existed';
    if (code === 'ENOENT') return 'no parent';
    throw new InternalError(`mkdir ${dir}: ${(err as Error).message}`, { cause: err });
  }
  if (prepare) await prepare(dir);
  return 'made';
}
