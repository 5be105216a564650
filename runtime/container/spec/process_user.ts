// Which user and groups the container's process runs as: run_as_user / run_as_username from the
// CRI, else the image's USER; names resolve in the container's own /etc/passwd and /etc/group.
// Supplementary groups: the primary group, the groups listing the user in /etc/group, then the
// CRI supplemental_groups (kubelet's fsGroup and supplementalGroups).
import { InvalidArgumentError } from '../../errors';
import type { UserDb } from './user_db';

export interface UserRequest {
  runAsUser: number | null;
  runAsUsername: string;
  runAsGroup: number | null;
  supplementalGroups: number[];
}

export interface ResolvedUser { uid: number; gid: number; additionalGids: number[]; username: string; home: string }

const NUMERIC = /^\d+$/;

function byUid(db: UserDb, uid: number) {
  return db.users.find((u) => u.uid === uid);
}

function byName(db: UserDb, name: string) {
  const entry = db.users.find((u) => u.name === name);
  if (!entry) throw new InvalidArgumentError(`user ${JSON.stringify(name)} is not in the container's /etc/passwd`);
  return entry;
}

function groupId(db: UserDb, group: string): number {
  if (NUMERIC.test(group)) return Number(group);
  const entry = db.groups.find((g) => g.name === group);
  if (!entry) throw new InvalidArgumentError(`group ${JSON.stringify(group)} is not in the container's /etc/group`);
  return entry.gid;
}

function primaryUser(db: UserDb, request: UserRequest, imageUser: string): { uid: number; gid: number; username: string; home: string } {
  if (request.runAsUser !== null) {
    const entry = byUid(db, request.runAsUser);
    return { uid: request.runAsUser, gid: entry?.gid ?? 0, username: entry?.name ?? '', home: entry?.home ?? '/' };
  }
  if (request.runAsUsername !== '') {
    const entry = byName(db, request.runAsUsername);
    return { uid: entry.uid, gid: entry.gid, username: entry.name, home: entry.home };
  }
  const [user = '', group] = imageUser.split(':');
  let resolved = { uid: 0, gid: 0, username: 'root', home: '/root' };
  if (NUMERIC.test(user)) {
    const entry = byUid(db, Number(user));
    resolved = { uid: Number(user), gid: entry?.gid ?? 0, username: entry?.name ?? '', home: entry?.home ?? '/' };
  } else if (user !== '') {
    const entry = byName(db, user);
    resolved = { uid: entry.uid, gid: entry.gid, username: entry.name, home: entry.home };
  }
  if (group !== undefined && group !== '') resolved.gid = groupId(db, group);
  return resolved;
}

export function resolveUser(db: UserDb, request: UserRequest, imageUser: string): ResolvedUser {
  const primary = primaryUser(db, request, imageUser);
  const gid = request.runAsGroup ?? primary.gid;
  const memberOf = primary.username === ''
    ? []
    : db.groups.filter((g) => g.name !== primary.username && g.members.includes(primary.username)).map((g) => g.gid);
  const additionalGids = [...new Set([gid, ...memberOf, ...request.supplementalGroups])];
  return { uid: primary.uid, gid, additionalGids, username: primary.username, home: primary.home };
}
