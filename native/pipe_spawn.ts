// Starting a short-lived helper with pipes on its first fds through posix_spawn(3). glibc's
// posix_spawn runs the child in a vfork (CLONE_VM | CLONE_VFORK): no copy of corrald's page
// tables and no copy-on-write faults after it. Node's spawn forks all of corrald (70-90 MiB):
// 2-5 ms with the event loop blocked, on a busy machine, against ~0.3 ms here.
//
// The child is not libuv's: libuv reaps only the children it spawned, so the caller reaps this
// one with reapIfExited() once it saw the child end (its last pipe at EOF). Until then the pid
// stays the child's (a zombie holds it), so a signal sent by pid cannot reach another process.
import koffi, { type KoffiFunc } from 'koffi';
import { closeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { NativeError, SyscallError } from './errors';

const libc = koffi.load('libc.so.6');
type Raw = Buffer;
const pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)') as KoffiFunc<(fds: number[], flags: number) => number>;
const actionsInit = libc.func('int posix_spawn_file_actions_init(uint8_t *actions)') as KoffiFunc<(a: Raw) => number>;
const actionsDup2 = libc.func('int posix_spawn_file_actions_adddup2(uint8_t *actions, int fd, int newfd)') as KoffiFunc<
  (a: Raw, fd: number, newfd: number) => number
>;
const actionsDestroy = libc.func('int posix_spawn_file_actions_destroy(uint8_t *actions)') as KoffiFunc<
  (a: Raw) => number
>;
const attrInit = libc.func('int posix_spawnattr_init(uint8_t *attr)') as KoffiFunc<(a: Raw) => number>;
const attrSetFlags = libc.func('int posix_spawnattr_setflags(uint8_t *attr, short flags)') as KoffiFunc<
  (a: Raw, flags: number) => number
>;
const attrSetSigmask = libc.func('int posix_spawnattr_setsigmask(uint8_t *attr, uint8_t *set)') as KoffiFunc<
  (a: Raw, set: Raw) => number
>;
const attrSetSigdefault = libc.func('int posix_spawnattr_setsigdefault(uint8_t *attr, uint8_t *set)') as KoffiFunc<
  (a: Raw, set: Raw) => number
>;
const attrDestroy = libc.func('int posix_spawnattr_destroy(uint8_t *attr)') as KoffiFunc<(a: Raw) => number>;
const posixSpawn = libc.func(
  'int posix_spawn(_Out_ int *pid, const char *path, uint8_t *actions, uint8_t *attr, const char **argv, const char **envp)',
) as KoffiFunc<(pid: number[], path: string, a: Raw, attr: Raw, argv: (string | null)[], envp: null[]) => number>;
const waitpidRaw = libc.func('int waitpid(int pid, _Out_ int *status, int options)') as KoffiFunc<
  (pid: number, status: number[], options: number) => number
>;

const O_CLOEXEC = 0o2000000;
const WNOHANG = 1;
const EINTR = 4;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
// glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128: room to spare.
const ACTIONS_SIZE = 256;
const ATTR_SIZE = 512;
const SIGSET_SIZE = 128;

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

export interface PipedChild {
  pid: number;
  /** corrald's ends, by the child's fd: [0] is written (the child's stdin), the others read. */
  fds: number[];
}

export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function newPipe(): [number, number] {
  const fds = [-1, -1];
  if (pipe2(fds, O_CLOEXEC) < 0) throw new SyscallError('pipe2', koffi.errno(), 'spawn pipes');
  return [fds[0], fds[1]];
}

function checked(rc: number, call: string, context: string): void {
  if (rc !== 0) throw new SyscallError(call, rc, context); // posix_spawn's calls return the errno
}

/**
 * Runs `path` with `fdCount` pipes as its fds 0..fdCount-1 (fd 0 its stdin, the others its
 * outputs), an empty environment, every signal at its default and unblocked. Every other fd of
 * corrald is close-on-exec, as for Node's spawn: a `path` under /proc/self/fd still resolves.
 */
export function spawnWithPipes(path: string, argv: string[], fdCount: number): PipedChild {
  const pipes: [number, number][] = [];
  const actions = Buffer.alloc(ACTIONS_SIZE);
  const attr = Buffer.alloc(ATTR_SIZE);
  try {
    for (let fd = 0; fd < fdCount; fd++) pipes.push(newPipe());
    // The dup2s go in order: a pipe on a low fd would be overwritten before it is copied.
    if (pipes.some((pipe) => Math.min(...pipe) < fdCount)) throw new NativeError('a spawn pipe took a stdio fd');
    const childEnds = pipes.map(([read, write], fd) => (fd === 0 ? read : write));
    checked(actionsInit(actions), 'posix_spawn_file_actions_init', path);
    try {
      childEnds.forEach((end, fd) => checked(actionsDup2(actions, end, fd), 'posix_spawn_file_actions_adddup2', path));
      checked(attrInit(attr), 'posix_spawnattr_init', path);
      try {
        checked(attrSetFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK), 'posix_spawnattr_setflags', path);
        checked(attrSetSigdefault(attr, Buffer.alloc(SIGSET_SIZE, 0xff)), 'posix_spawnattr_setsigdefault', path);
        checked(attrSetSigmask(attr, Buffer.alloc(SIGSET_SIZE)), 'posix_spawnattr_setsigmask', path);
        const pid = [0];
        checked(posixSpawn(pid, path, actions, attr, [...argv, null], [null]), 'posix_spawn', path);
        return { pid: pid[0], fds: pipes.map(([read, write], fd) => (fd === 0 ? write : read)) };
      } finally {
        attrDestroy(attr);
      }
    } finally {
      actionsDestroy(actions);
    }
  } catch (err) {
    pipes.forEach(([read, write], fd) => closeSync(fd === 0 ? write : read));
    throw err;
  } finally {
    pipes.forEach(([read, write], fd) => closeSync(fd === 0 ? read : write));
  }
}

/** Reaps the child if it has exited (its end), undefined while it runs. Never blocks. */
export function reapIfExited(pid: number): ChildEnd | undefined {
  const status = [0];
  let rc: number;
  while ((rc = waitpidRaw(pid, status, WNOHANG)) < 0 && koffi.errno() === EINTR);
  if (rc < 0) throw new SyscallError('waitpid', koffi.errno(), `pid ${pid}`);
  if (rc === 0) return undefined;
  const signal = status[0] & 0x7f;
  if (signal === 0) return { code: (status[0] >> 8) & 0xff, signal: null };
  return { code: null, signal: signalNames.get(signal) ?? null };
}
