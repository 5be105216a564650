// A directory read in batches off the event loop (getdents64(2) on a thread-pool thread) that
// can be closed and later reopened exactly where it stopped: every entry carries the position
// after it (d_off), and seekDirectory goes back there (lseek(2)). Node's Dir can do neither, so a
// walk that must not keep one open directory per level of depth needs this.
import koffi, { type KoffiFunc } from 'koffi';
import { NativeError, SyscallError } from './errors';

const libc = koffi.load('libc.so.6');
const getdents64Raw = libc.func('long getdents64(int fd, _Out_ uint8_t *buf, size_t count)') as KoffiFunc<
  (fd: number, buf: Buffer, count: number) => number | bigint
>;
const lseekRaw = libc.func('int64_t lseek(int fd, int64_t offset, int whence)') as KoffiFunc<
  (fd: number, offset: bigint, whence: number) => number | bigint
>;
const SEEK_SET = 0;

/** d_type values (dirent.h). DT_UNKNOWN: the file system did not say; lstat tells. */
export const DT_UNKNOWN = 0;
export const DT_DIR = 4;

export interface DirectoryEntry {
  name: Buffer;
  type: number;
  /** Where the entry after this one starts: seekDirectory(fd, next) resumes there. */
  next: bigint;
}

/** The next batch of entries ("." and ".." left out); an empty array at the end. `buffer` bounds the batch. */
export function readDirectoryEntries(fd: number, buffer: Buffer): Promise<DirectoryEntry[]> {
  return new Promise((resolve, reject) => {
    getdents64Raw.async(fd, buffer, buffer.length, (err: Error | null, result: number | bigint) => {
      if (err) return reject(err);
      const length = Number(result);
      // errno is not carried back from the thread-pool thread.
      if (length < 0) return reject(new NativeError(`getdents64(fd ${fd}) failed`));
      resolve(parseEntries(buffer, length));
    });
  });
}

/** struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[] (NUL-ended). */
function parseEntries(buffer: Buffer, length: number): DirectoryEntry[] {
  const entries: DirectoryEntry[] = [];
  for (let at = 0; at < length;) {
    const next = buffer.readBigInt64LE(at + 8);
    const recordLength = buffer.readUInt16LE(at + 16);
    const type = buffer.readUInt8(at + 18);
    const nameEnd = buffer.indexOf(0, at + 19);
    const name = Buffer.from(
      buffer.subarray(at + 19, nameEnd < 0 || nameEnd > at + recordLength ? at + recordLength : nameEnd),
    );
    if (!isDotOrDotDot(name)) entries.push({ name, type, next });
    at += recordLength;
  }
  return entries;
}

function isDotOrDotDot(name: Buffer): boolean {
  return name[0] === 0x2e && (name.length === 1 || (name.length === 2 && name[1] === 0x2e));
}

/** Positions the directory so that the next read starts at `position` (0n: its beginning). */
export function seekDirectory(fd: number, position: bigint): void {
  if (Number(lseekRaw(fd, position, SEEK_SET)) < 0) throw new SyscallError('lseek', koffi.errno(), `fd ${fd}`);
}
