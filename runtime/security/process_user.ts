// Who a container's process runs as: uid, primary gid and supplementary groups, from the CRI
// security context, else the image's USER, resolved in the container's own /etc/passwd and
// /etc/group (containerd's rules). supplemental_groups_policy Merge adds the groups the image
// lists the user in; Strict uses only the requested ones. The primary gid is always among the
// supplementary groups, as containerd makes sure.
import { InvalidArgumentError } from '../errors';
import { GroupEntry, parseGroup, parseId, parsePasswd, PasswdEntry } from './etc_files';

export interface ProcessUserRequest {
  /** CRI run_as_user.value, when the message is set. */
  runAsUser?: number;
  /** CRI run_as_username ('' = unset). */
  runAsUsername?: string;
  /** CRI run_as_group.value, when the message is set. */
  runAsGroup?: number;
  /** The image config's User: "", "uid", "name", "uid:gid", "name:group"… */
  imageUser?: string;
  supplementalGroups?: number[];
  supplementalGroupsPolicy?: 'Merge' | 'Strict';
  /** Contents of the container's /etc/passwd and /etc/group (undefined when absent). */
  etcPasswd?: string;
  etcGroup?: string;
}

export interface ProcessUser {
  uid: number;
  gid: number;
  /** Sorted, without duplicates, including gid: what the kernel reports as the groups. */
  additionalGids: number[];
  username?: string;
  /** The user's home from /etc/passwd, "/" without an entry (runc's HOME default). */
  home: string;
}

const MAX_ID = 2 ** 32 - 2; // (u32)-1 means "no change" to set*id calls

export function resolveProcessUser(request: ProcessUserRequest): ProcessUser {
  const passwd = parsePasswd(request.etcPasswd);
  const groups = parseGroup(request.etcGroup);
  const base = baseUser(request, passwd, groups);
  const requested = (request.supplementalGroups ?? []).map((g, i) => checkId(Number(g), `supplemental_groups[${i}]`));
  const fromImage =
    request.supplementalGroupsPolicy === 'Strict' || base.username === undefined
      ? []
      : imageGroupsOf(base.username, groups);
  const additionalGids = [...new Set([base.gid, ...fromImage, ...requested])].sort((a, b) => a - b);
  return { ...base, additionalGids };
}

function baseUser(
  request: ProcessUserRequest,
  passwd: PasswdEntry[],
  groups: GroupEntry[],
): Omit<ProcessUser, 'additionalGids'> {
  const username = request.runAsUsername ?? '';
  if (request.runAsGroup !== undefined && request.runAsUser === undefined && username === '') {
    throw new InvalidArgumentError('run_as_group: set without run_as_user or run_as_username');
  }
  if (request.runAsUser !== undefined || username !== '') {
    const user =
      request.runAsUser !== undefined
        ? byUid(checkId(Number(request.runAsUser), 'run_as_user'), passwd)
        : byName(username, passwd, 'run_as_username');
    const gid = request.runAsGroup !== undefined ? checkId(Number(request.runAsGroup), 'run_as_group') : user.gid;
    return { ...user, gid };
  }
  return imageUser(request.imageUser ?? '', passwd, groups);
}

/** The image's USER: "user[:group]" where each side is an id or a name. */
function imageUser(spec: string, passwd: PasswdEntry[], groups: GroupEntry[]): Omit<ProcessUser, 'additionalGids'> {
  if (spec === '') return { ...byUid(0, passwd) };
  const [userPart, groupPart, ...rest] = spec.split(':');
  if (rest.length > 0 || userPart === '')
    throw new InvalidArgumentError(`image user ${JSON.stringify(spec)} is malformed`);
  const numeric = parseId(userPart);
  const user =
    numeric !== undefined ? byUid(checkId(numeric, 'image user'), passwd) : byName(userPart, passwd, 'image user');
  if (groupPart === undefined) return user;
  return { ...user, gid: groupId(groupPart, groups) };
}

function groupId(part: string, groups: GroupEntry[]): number {
  const numeric = parseId(part);
  if (numeric !== undefined) return checkId(numeric, 'image group');
  const entry = groups.find((g) => g.name === part);
  if (!entry)
    throw new InvalidArgumentError(`image group ${JSON.stringify(part)} not found in the container's /etc/group`);
  return entry.gid;
}

/** A uid without a passwd entry is fine: it runs with gid 0 and no name, as in containerd. */
function byUid(uid: number, passwd: PasswdEntry[]): Omit<ProcessUser, 'additionalGids'> {
  const entry = passwd.find((p) => p.uid === uid);
  return entry ? { uid, gid: entry.gid, username: entry.name, home: entry.home || '/' } : { uid, gid: 0, home: '/' };
}

function byName(name: string, passwd: PasswdEntry[], field: string): Omit<ProcessUser, 'additionalGids'> {
  const entry = passwd.find((p) => p.name === name);
  if (!entry)
    throw new InvalidArgumentError(`${field}: user ${JSON.stringify(name)} not found in the container's /etc/passwd`);
  return { uid: entry.uid, gid: entry.gid, username: entry.name, home: entry.home || '/' };
}

/** Groups that list the user as a member (its own same-named group excepted, as containerd). */
function imageGroupsOf(username: string, groups: GroupEntry[]): number[] {
  return groups.filter((g) => g.name !== username && g.members.includes(username)).map((g) => g.gid);
}

function checkId(id: number, field: string): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID)
    throw new InvalidArgumentError(`${field}: ${id} is not a valid id`);
  return id;
}
