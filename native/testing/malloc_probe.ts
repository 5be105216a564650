// Probes of glibc malloc's behaviour in a fresh node process, after a setup script ran there:
// what corrald's malloc settings change, seen from outside.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const koffi = JSON.stringify(require.resolve('koffi'));

/** Runs `setup`, then `probe` (with koffi and `libc` at hand), in a fresh node process; its stdout and stderr. */
function runNode(setup: string, probe: string): { stdout: string; stderr: string } {
  const script = `${setup};\nconst koffi = require(${koffi}); const libc = koffi.load('libc.so.6');\n${probe}`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(child.status, 0, child.stderr);
  return child;
}

/** Arenas glibc's malloc_stats reports ("Arena N:" lines) after 8 jobs kept every pool thread busy. */
export function arenasAfterPoolWork(setup = ''): number {
  const { stderr } = runNode(
    setup,
    `const mallocStats = libc.func('void malloc_stats()');
    let left = 8;
    for (let i = 0; i < 8; i++)
      require('node:crypto').pbkdf2('a', 'b', 20000, 64, 'sha512', () => { if (--left === 0) mallocStats(); });`,
  );
  return stderr.split('\n').filter((line) => /^Arena \d+:$/.test(line)).length;
}

/** Whether a 2 MiB block, allocated again after one was freed, gets a mapping of its own (mallinfo2's hblkhd). */
export function secondLargeBlockIsMapped(setup = ''): boolean {
  const { stdout } = runNode(
    setup,
    `koffi.struct('mallinfo2_s', { arena: 'size_t', ordblks: 'size_t', smblks: 'size_t', hblks: 'size_t',
      hblkhd: 'size_t', usmblks: 'size_t', fsmblks: 'size_t', uordblks: 'size_t', fordblks: 'size_t', keepcost: 'size_t' });
    const mallinfo2 = libc.func('mallinfo2_s mallinfo2()');
    const malloc = libc.func('void *malloc(size_t size)');
    const free = libc.func('void free(void *ptr)');
    free(malloc(2 << 20));
    const mappedBefore = Number(mallinfo2().hblkhd);
    const block = malloc(2 << 20);
    process.stdout.write(Number(mallinfo2().hblkhd) - mappedBefore >= 2 << 20 ? 'mapped' : 'heap');
    free(block);`,
  );
  return stdout === 'mapped';
}
