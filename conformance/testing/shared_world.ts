// Test scaffolding: one corrald (on a private CNI network, with the test images pushed) for every
// suite loaded in the same process. Each conformance/fidelity suite asks for it in its before hook
// and gives it back in its after hook: run alone, a suite gets its own; loaded together
// (conformance/fidelity/together.ts, as the QEMU guest runs them) they share one start, which
// under emulation costs about a minute.
import { startNetworkWorld, stopNetworkWorld, type NetworkWorld } from '../network/world';

let shared: Promise<NetworkWorld> | undefined;
let users = 0;

export function acquireWorld(name: string): Promise<NetworkWorld> {
  users++;
  shared ??= startNetworkWorld(name);
  return shared;
}

/** The last suite to give it back stops it (removing what is left of its pods, cgroups, network). */
export async function releaseWorld(): Promise<void> {
  users--;
  if (users > 0 || !shared) return;
  const world = shared;
  shared = undefined;
  await stopNetworkWorld(await world.catch(() => undefined));
}
