// corrald's malloc settings, applied by server/heap_settings.ts before the thread pool starts.
// Every pool thread would otherwise get its own arena and keep what it freed there (~7 MiB more
// resident after 200 pods made and removed), and glibc would raise its mmap threshold to the
// size of each large block freed (an image pull's buffers), keeping the later ones in the heap:
// right after a pull, up to 103-105 MiB resident with glibc's sliding threshold or a fixed
// 1 MiB, 73-86 MiB with 128 KiB (glibc's own starting value; docs/costs.md).
import { fixMmapThreshold, limitMallocArenas } from '../native/malloc_settings';

/** The main thread's arena and the one a V8 worker made before any script ran. */
export const MALLOC_ARENAS = 2;
/** Blocks this large or larger get mappings of their own, given back when freed. */
export const MMAP_THRESHOLD_BYTES = 128 * 1024;

export function applyDaemonMallocSettings(): void {
  limitMallocArenas(MALLOC_ARENAS);
  fixMmapThreshold(MMAP_THRESHOLD_BYTES);
}
