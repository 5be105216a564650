// Sealed in-memory copies of the native programs a container can see (the exec helper's child,
// a container's init before its execve, the pod's pause). Run from a sealed memfd, their
// /proc/<pid>/exe can never be opened to write corral's binaries on the host (CVE-2019-5736).
// One copy per program and corrald: spawning through /proc/self/fd/<n> costs nothing per run.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import koffi from 'koffi';
import { SyscallError } from './errors';

const libc = koffi.load('libc.so.6');
const memfdCreate = libc.func('int memfd_create(const char *name, unsigned int flags)');
const fcntlRaw = libc.func('int fcntl(int fd, int cmd, ...)');

const MFD_CLOEXEC = 0x1;
const MFD_ALLOW_SEALING = 0x2;
const MFD_EXEC = 0x10; // kernels ≥ 6.3 with vm.memfd_noexec want it said; older ones refuse it
const F_ADD_SEALS = 1033;
const F_SEAL_SEAL = 0x1;
const F_SEAL_SHRINK = 0x2;
const F_SEAL_GROW = 0x4;
const F_SEAL_WRITE = 0x8;
const EINVAL = 22;

function createMemfd(name: string): number {
  let fd = memfdCreate(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC) as number;
  if (fd < 0 && koffi.errno() === EINVAL) fd = memfdCreate(name, MFD_CLOEXEC | MFD_ALLOW_SEALING) as number;
  if (fd < 0) throw new SyscallError('memfd_create', koffi.errno(), name);
  return fd;
}

/** Copies `program` into a sealed memfd; returns a read-only, close-on-exec fd of it. */
function sealCopy(program: string): number {
  const content = readFileSync(program);
  const fd = createMemfd(path.basename(program));
  try {
    for (let done = 0; done < content.length;) done += writeSync(fd, content, done);
    const seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
    if ((fcntlRaw(fd, F_ADD_SEALS, 'int', seals) as number) < 0)
      throw new SyscallError('fcntl', koffi.errno(), `F_ADD_SEALS ${program}`);
    // Keep no writable fd around at all; Node opens with O_CLOEXEC.
    return openSync(`/proc/self/fd/${fd}`, 'r');
  } finally {
    closeSync(fd);
  }
}

/** A native program run from its sealed copy, made on first use (a missing binary is reported
 *  when something needs it, not when corrald starts). */
export class SealedProgram {
  private fd: number | undefined;

  constructor(readonly source: string) {}

  /** The sealed copy's fd in this process, to hand to a helper that execs it itself. */
  descriptor(): number {
    this.fd ??= sealCopy(this.source);
    return this.fd;
  }

  /** A path to spawn: a spawned child still holds the fd when its execve resolves the path. */
  execPath(): string {
    return `/proc/self/fd/${this.descriptor()}`;
  }

  /** The name to show as argv[0] instead of the /proc path. */
  get name(): string {
    return path.basename(this.source);
  }
}
