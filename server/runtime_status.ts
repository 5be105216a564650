// Status: whether the runtime and the pod network are ready; `verbose` adds the effective config.
import type { ServerContext } from './context';
import type { StatusRequest__Output } from '../proto/generated/runtime/v1/StatusRequest';
import type { StatusResponse } from '../proto/generated/runtime/v1/StatusResponse';
import { readinessConditions } from '../runtime/readiness';

/**
 * What corral supports, as newer kubelets and critest read it; each is advertised only once it
 * works end to end.
 */
const RUNTIME_HANDLERS: StatusResponse['runtime_handlers'] = [
  { name: '', features: { recursive_read_only_mounts: true, user_namespaces: true } },
];
/** The runtime_handler values RunPodSandbox accepts: exactly those advertised. */
export const RUNTIME_HANDLER_NAMES: readonly string[] = RUNTIME_HANDLERS.map((h) => h.name ?? '');
const RUNTIME_FEATURES: StatusResponse['features'] = { supplemental_groups_policy: true };

export async function runtimeStatus(ctx: ServerContext, request: StatusRequest__Output): Promise<StatusResponse> {
  const conditions = await readinessConditions(ctx.config, ctx.network);
  const info: Record<string, string> = {};
  if (request.verbose) {
    info.config = JSON.stringify({ ...ctx.config, pod_cidr: ctx.nodeSettings.podCidr });
    info.cniconfig = JSON.stringify(await ctx.network.describe());
  }
  return { status: { conditions }, info, runtime_handlers: RUNTIME_HANDLERS, features: RUNTIME_FEATURES };
}
