// The container's own /etc/passwd and /etc/group, parsed (usernames are resolved inside the image).
import { readFileInRoot } from './root_file';

export interface PasswdEntry { name: string; uid: number; gid: number; home: string }
export interface GroupEntry { name: string; gid: number; members: string[] }

export interface UserDb { users: PasswdEntry[]; groups: GroupEntry[] }

function fields(text: string | undefined, count: number): string[][] {
  if (!text) return [];
  return text.split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'))
    .filter((parts) => parts.length >= count);
}

function id(text: string | undefined): number {
  return /^\d+$/.test(text ?? '') ? Number(text) : NaN;
}

export function parsePasswd(text: string | undefined): PasswdEntry[] {
  return fields(text, 4)
    .map(([name, , uid, gid, , home]) => ({ name: name!, uid: id(uid), gid: id(gid), home: home ?? '' }))
    .filter((u) => !Number.isNaN(u.uid) && !Number.isNaN(u.gid));
}

export function parseGroup(text: string | undefined): GroupEntry[] {
  return fields(text, 3)
    .map(([name, , gid, members]) => ({ name: name!, gid: id(gid), members: (members ?? '').split(',').filter((m) => m !== '') }))
    .filter((g) => !Number.isNaN(g.gid));
}

export async function readUserDb(rootfs: string): Promise<UserDb> {
  const [passwd, group] = await Promise.all([readFileInRoot(rootfs, '/etc/passwd'), readFileInRoot(rootfs, '/etc/group')]);
  return { users: parsePasswd(passwd), groups: parseGroup(group) };
}
