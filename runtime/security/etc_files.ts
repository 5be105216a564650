// Parsers for an image's /etc/passwd and /etc/group (content passed in: the caller reads them
// from inside the container's root, never following links out of it). Malformed lines are
// skipped, as libc does.

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parsePasswd(content: string | undefined): PasswdEntry[] {
  return lines(content).flatMap((fields) => {
    if (fields.length < 4) return [];
    const uid = parseId(fields[2]);
    const gid = parseId(fields[3]);
    if (uid === undefined || gid === undefined || fields[0] === '') return [];
    return [{ name: fields[0], uid, gid, home: fields[5] ?? '' }];
  });
}

export function parseGroup(content: string | undefined): GroupEntry[] {
  return lines(content).flatMap((fields) => {
    if (fields.length < 3) return [];
    const gid = parseId(fields[2]);
    if (gid === undefined || fields[0] === '') return [];
    const members = (fields[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    return [{ name: fields[0], gid, members }];
  });
}

/** A decimal id below 2^32, or undefined. */
export function parseId(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return id < 2 ** 32 ? id : undefined;
}

function lines(content: string | undefined): string[][] {
  return (content ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}
