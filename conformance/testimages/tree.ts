// A file tree described as data, so the same description becomes an image layer (tar) or an
// unpacked rootfs on disk without walking directories.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';

type TarHeader = Partial<tar.Header> & { name: string };

export type TreeEntry =
  | { type: 'dir'; path: string; mode?: number }
  | {
      type: 'file';
      path: string;
      mode?: number;
      content: Buffer | string;
      uid?: number;
      gid?: number;
      xattrs?: Record<string, string>;
    }
  | { type: 'hardlink'; path: string; target: string }
  | { type: 'symlink'; path: string; target: string }
  | {
      type: 'node';
      path: string;
      kind: 'character-device' | 'block-device' | 'fifo';
      major: number;
      minor: number;
      mode?: number;
    };

/** Every entry of a test layer carries this mtime, so layers (and digests) are reproducible. */
export const TREE_MTIME = new Date('2024-01-01T00:00:00Z');

export function treeToTar(entries: TreeEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (chunk) => chunks.push(chunk as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  const fileModes = new Map<string, number>();
  for (const entry of entries) {
    if (entry.type === 'file') fileModes.set(entry.path, entry.mode ?? 0o644);
    const [header, content] = tarEntry(entry, fileModes);
    if (content) pack.entry(header, content);
    else pack.entry(header);
  }
  pack.finalize();
  return done;
}

function tarEntry(entry: TreeEntry, fileModes: Map<string, number>): [TarHeader, Buffer?] {
  const base = { name: entry.path, mtime: TREE_MTIME, uid: 0, gid: 0 };
  switch (entry.type) {
    case 'dir':
      return [{ ...base, type: 'directory', mode: entry.mode ?? 0o755 }];
    case 'file': {
      const pax = entry.xattrs
        ? Object.fromEntries(Object.entries(entry.xattrs).map(([k, v]) => [`SCHILY.xattr.${k}`, v]))
        : undefined;
      const header = {
        ...base,
        type: 'file' as const,
        mode: entry.mode ?? 0o644,
        uid: entry.uid ?? 0,
        gid: entry.gid ?? 0,
        pax,
      };
      return [header, Buffer.from(entry.content)];
    }
    case 'hardlink':
      // A hard link's header carries its target's mode, as tar writes it: containerd applies it.
      return [{ ...base, type: 'link', linkname: entry.target, mode: fileModes.get(entry.target) ?? 0o644 }];
    case 'symlink':
      return [{ ...base, type: 'symlink', linkname: entry.target, mode: 0o777 }];
    case 'node':
      return [{ ...base, type: entry.kind, devmajor: entry.major, devminor: entry.minor, mode: entry.mode ?? 0o666 }];
  }
}

/** Writes the tree under `root` (which must exist); used for rootfs dirs that skip the image store. */
export async function writeTree(root: string, entries: TreeEntry[]): Promise<void> {
  for (const entry of entries) {
    const dest = path.join(root, entry.path);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    switch (entry.type) {
      case 'dir':
        await fs.mkdir(dest, { recursive: true });
        await fs.chmod(dest, entry.mode ?? 0o755);
        break;
      case 'file':
        await fs.writeFile(dest, entry.content, { mode: entry.mode ?? 0o644 });
        await fs.chmod(dest, entry.mode ?? 0o644);
        await fs.chown(dest, entry.uid ?? 0, entry.gid ?? 0);
        break;
      case 'hardlink':
        await fs.link(path.join(root, entry.target), dest);
        break;
      case 'symlink':
        await fs.symlink(entry.target, dest);
        break;
      case 'node':
        throw new Error(`writeTree: device nodes are only for layers (${entry.path})`);
    }
  }
}
