// RuntimeConfig: tells kubelet which cgroup driver corral uses, so the two agree.
import type { ServerContext } from './context';
import type { RuntimeConfigRequest__Output } from '../proto/generated/runtime/v1/RuntimeConfigRequest';
import type { RuntimeConfigResponse } from '../proto/generated/runtime/v1/RuntimeConfigResponse';

export async function runtimeConfig(
  ctx: ServerContext,
  _request: RuntimeConfigRequest__Output,
): Promise<RuntimeConfigResponse> {
  const driver = ctx.config.cgroup_driver === 'cgroupfs' ? 'CGROUPFS' : 'SYSTEMD';
  return { linux: { cgroup_driver: driver } };
}
