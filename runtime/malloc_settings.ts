// corrald's malloc settings, applied by server/heap_settings.ts before the thread pool starts.
// Every pool thread would otherwise get its own arena and keep what it freed there (~7 MiB more
// resident after 200 pods made and removed), and glibc would raise its mmap threshold to the
// size of each large block freed (an image pull's buffers), keeping the later ones in the heap
// (~20 MiB more resident right after a pull with the arenas capped; docs/costs.md).
import { fixMmapThreshold, limitMallocArenas } from '../native/malloc_settings';

/** The main thread's arena and the one a V8 worker made before any script ran. */
export const MALLOC_ARENAS = 2;
/** Blocks this large or larger get mappings of their own, given back when freed. */
export const MMAP_THRESHOLD_BYTES = 1 << 20;

export function applyDaemonMallocSettings(): void {
  limitMallocArenas(MALLOC_ARENAS);
  fixMmapThreshold(MMAP_THRESHOLD_BYTES);
}
