// Reads a file inside a container rootfs without following symlinks out of it (an image may
// make /etc/passwd a link to anything): each link is resolved against the rootfs itself.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const MAX_LINKS = 40;

/** The host path `inside` names within `root`, with every symlink kept under `root`. */
export async function resolveInRoot(root: string, inside: string): Promise<string> {
  let pending = inside.split('/').filter((c) => c !== '' && c !== '.');
  let resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const component = pending.shift()!;
    if (component === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, component);
    const stat = await fs.lstat(candidate).catch(() => undefined);
    if (!stat?.isSymbolicLink()) {
      resolved.push(component);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many symlinks resolving ${inside} in ${root}`);
    const target = await fs.readlink(candidate);
    if (target.startsWith('/')) resolved = [];
    pending = [...target.split('/').filter((c) => c !== '' && c !== '.'), ...pending];
  }
  return path.join(root, ...resolved);
}

/** The file's text, or undefined when it does not exist. */
export async function readFileInRoot(root: string, inside: string): Promise<string | undefined> {
  const file = await resolveInRoot(root, inside);
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
