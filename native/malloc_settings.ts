// glibc malloc's settings for a long-lived daemon, through mallopt(3). A small module of its own
// so corrald applies them before its thread pool starts (server/heap_settings.ts), without
// loading the rest of the libc bindings.
import koffi, { type KoffiFunc } from 'koffi';

/** mallopt(3)'s parameters. */
const M_MMAP_THRESHOLD = -3;
const M_ARENA_MAX = -8;

type Mallopt = KoffiFunc<(param: number, value: number) => number>;

let mallopt: Mallopt | undefined;

function set(param: number, value: number): boolean {
  mallopt ??= koffi.load('libc.so.6').func('int mallopt(int param, int value)') as Mallopt;
  return mallopt(param, value) === 1;
}

/**
 * Caps how many malloc arenas the process makes from now on: threads beyond the cap share the
 * existing ones instead of each keeping what it freed in an arena of its own. Arenas made before
 * the call stay. Returns whether glibc took the setting.
 */
export function limitMallocArenas(count: number): boolean {
  return set(M_ARENA_MAX, count);
}

/**
 * Allocations of at least `bytes` get their own mapping, given back when freed. Setting it also
 * stops glibc from raising the threshold (and, with it, how much free memory the heap keeps
 * before trimming) each time a large block is freed. Returns whether glibc took the setting.
 */
export function fixMmapThreshold(bytes: number): boolean {
  return set(M_MMAP_THRESHOLD, bytes);
}
