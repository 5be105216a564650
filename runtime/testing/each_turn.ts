// Watching what happens between the event loop's turns while some work runs: tests of work
// that must not hold the loop, or must keep its file-system requests bounded.

/** Calls `sample` once every turn of the event loop while `work` runs. */
export async function sampleEachTurn(work: () => Promise<unknown>, sample: () => void): Promise<void> {
  let running = true;
  const next = () => {
    sample();
    if (running) setImmediate(next);
  };
  setImmediate(next);
  try {
    await work();
  } finally {
    running = false;
  }
}

/** File-system requests of this process in flight in the thread pool now. */
export function fsRequestsInFlight(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('FSReq')).length;
}

/** The most file-system requests seen in flight, sampled every turn of the event loop while `work` runs. */
export async function mostRequestsInFlight(work: () => Promise<unknown>): Promise<number> {
  let most = 0;
  await sampleEachTurn(work, () => {
    most = Math.max(most, fsRequestsInFlight());
  });
  return most;
}
