// Reading a directory whose size someone else chose (a container's upper directory, an image's
// layer) a bounded batch of entries at a time, names as bytes (a container's may not be UTF-8):
// never one listing of a million names built on the event loop.
import { promises as fs, type Dir, type Dirent } from 'node:fs';

/** Entries the kernel hands over per getdents round trip. */
export const READ_AHEAD = 256;

/** The directory's entries as a stream, names as bytes. */
export function openDirectoryBytes(dir: string | Buffer): Promise<Dir> {
  // 'buffer' is accepted at run time, though @types/node lists only string encodings.
  return fs.opendir(dir, { encoding: 'buffer' as BufferEncoding, bufferSize: READ_AHEAD });
}

/** Calls `each` with the directory's entries, `batchSize` at a time, each batch awaited. */
export async function forEachEntryBatch(
  dir: string | Buffer,
  batchSize: number,
  each: (entries: Dirent[]) => Promise<unknown>,
): Promise<void> {
  const stream = await openDirectoryBytes(dir);
  try {
    for (let end = false; !end;) {
      const entries: Dirent[] = [];
      while (entries.length < batchSize) {
        const entry = await stream.read();
        if (!entry) {
          end = true;
          break;
        }
        entries.push(entry);
      }
      if (entries.length > 0) await each(entries);
    }
  } finally {
    await stream.close();
  }
}
