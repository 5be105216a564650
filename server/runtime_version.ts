// Version: the runtime's name and versions, as crictl version prints them.
import type { ServerContext } from './context';
import type { VersionRequest__Output } from '../proto/generated/runtime/v1/VersionRequest';
import type { VersionResponse } from '../proto/generated/runtime/v1/VersionResponse';

/** The CRI "kubelet API version" every runtime reports (containerd and CRI-O say the same). */
const KUBE_API_VERSION = '0.1.0';

export async function runtimeVersion(ctx: ServerContext, _request: VersionRequest__Output): Promise<VersionResponse> {
  return {
    version: KUBE_API_VERSION,
    runtime_name: 'corral',
    runtime_version: ctx.version,
    runtime_api_version: 'v1',
  };
}
