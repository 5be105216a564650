// A directory fd on a running container's root (/proc/<pid>/root of its init), for resolving paths
// inside it with openat2(RESOLVE_IN_ROOT). The pid is trusted only with its start time, checked
// through the same /proc/<pid> directory the root is opened from.
import * as fs from 'node:fs';
import { O_CLOEXEC, O_DIRECTORY, O_PATH, openat2 } from '../../native/libc';
import { FailedPreconditionError } from '../errors';
import type { ProcessRef } from './contract';

function startTimeIn(procDir: number): string {
  const fd = openat2(procDir, 'stat', fs.constants.O_RDONLY, 0);
  try {
    const buf = Buffer.alloc(1024);
    const text = buf.subarray(0, fs.readSync(fd, buf)).toString('utf8');
    // The command name may contain spaces and ')': fields are counted from the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } finally {
    fs.closeSync(fd);
  }
}

/** The caller closes the returned fd. */
export function openContainerRoot(init: ProcessRef): number {
  const procDir = fs.openSync(`/proc/${init.pid}`, O_PATH | O_DIRECTORY | O_CLOEXEC);
  try {
    if (startTimeIn(procDir) !== init.startTime)
      throw new FailedPreconditionError(`container init ${init.pid} is gone`);
    return openat2(procDir, 'root', O_PATH | O_DIRECTORY, 0);
  } finally {
    fs.closeSync(procDir);
  }
}
