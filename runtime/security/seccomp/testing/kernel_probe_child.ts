// Test support, run as its own short-lived `node` process (never inside corrald: a seccomp
// filter cannot be removed once installed). Installs a compiled filter on its main thread, makes
// the system calls it is asked to, and prints what each returned as one JSON line.
//   node kernel_probe_child.js <filter-file> <flags> <probes-json>
// A probe is { name, nr, args?: string[] } (args as decimal u64 strings).
import koffi from 'koffi';
import { readFileSync } from 'node:fs';

const libc = koffi.load('libc.so.6');
const prctl = libc.func(
  'int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)',
);
const syscall6 = libc.func(
  'long syscall(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)',
);
const SockFprog = koffi.struct('corral_sock_fprog', { len: 'uint16_t', filter: 'void *' });
const seccompInstall = libc.func(
  'long syscall(long nr, unsigned int op, unsigned int flags, _In_ corral_sock_fprog *prog)',
);

const PR_SET_NO_NEW_PRIVS = 38;
const SYS_SECCOMP = 317;
const SECCOMP_SET_MODE_FILTER = 1;

interface Probe {
  name: string;
  nr: number;
  args?: string[];
}

function main(): void {
  const [filterPath, flagsText, probesJson] = process.argv.slice(2);
  const filter = readFileSync(filterPath);
  const probes = JSON.parse(probesJson) as Probe[];
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0) fail(`prctl(NO_NEW_PRIVS): errno ${koffi.errno()}`);
  const prog = { len: filter.length / 8, filter };
  if (seccompInstall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, Number(flagsText), prog) !== 0) {
    fail(`seccomp(SET_MODE_FILTER): errno ${koffi.errno()}`);
  }
  const results: Record<string, { ret: number; errno: number }> = {};
  for (const probe of probes) {
    const args = [...(probe.args ?? []), '0', '0', '0', '0', '0', '0'].slice(0, 6).map((a) => BigInt(a));
    koffi.errno(0);
    const ret = Number(syscall6(probe.nr, ...args));
    results[probe.name] = { ret, errno: ret === -1 ? koffi.errno() : 0 };
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(3);
}

void SockFprog;
main();
