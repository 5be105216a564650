// Start-up work over hundreds of pods, containers or snapshots, a batch at a time with the event
// loop let in between: the reads of corral's own small files are blocking (one syscall-level call
// each rather than four thread-pool round trips), so a batch is a few milliseconds, and a Version
// call arriving meanwhile waits for one batch, not for all of them.

/** Items one batch takes: about 2 ms of blocking reads for a container (exit file, /proc stat). */
export const START_UP_BATCH = 32;

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `job` over `items`, a batch at a time (the jobs of a batch run together), yielding to the
 * event loop between batches. The first failure stops the next batches and rejects once its own
 * batch has settled, so nothing is left writing in the background.
 */
export async function inBatches<T>(
  items: T[],
  job: (item: T) => Promise<void> | void,
  size = START_UP_BATCH,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) await nextTurn();
    const settled = await Promise.allSettled(items.slice(start, start + size).map(async (item) => job(item)));
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected) throw rejected.reason;
  }
}
