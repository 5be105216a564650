// mount(2) options: flag words become MS_* bits, everything else is filesystem data.
import type { MountSpec } from './contract';

const MS_RDONLY = 1;
const MS_REC = 0x4000;
const PROPAGATION = { private: 1 << 18, rslave: 1 << 19, rshared: 1 << 20 } as const;

const SET_FLAGS: Record<string, number> = {
  ro: MS_RDONLY,
  nosuid: 2,
  nodev: 4,
  noexec: 8,
  sync: 16,
  dirsync: 128,
  noatime: 1024,
  nodiratime: 2048,
  relatime: 1 << 21,
  strictatime: 1 << 24,
};
const CLEAR_FLAGS: Record<string, number> = { rw: MS_RDONLY, suid: 2, dev: 4, exec: 8 };
// Words that describe the mount kind or propagation, which MountSpec carries separately.
const IGNORED = new Set(['bind', 'rbind', 'private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared']);

export interface MountFlags {
  flags: number;
  data: string;
  propagation: number;
}

export function mountFlags(mount: MountSpec): MountFlags {
  let flags = 0;
  const data: string[] = [];
  for (const option of mount.options) {
    if (option in SET_FLAGS) flags |= SET_FLAGS[option];
    else if (option in CLEAR_FLAGS) flags &= ~CLEAR_FLAGS[option];
    else if (!IGNORED.has(option)) data.push(option);
  }
  if (mount.readonly || mount.recursiveReadonly) flags |= MS_RDONLY;
  return { flags, data: data.join(','), propagation: PROPAGATION[mount.propagation] | MS_REC };
}
