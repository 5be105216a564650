// UpdateRuntimeConfig: the pod CIDR is bounded here; its grammar is checked where it is kept.
import type { UpdateRuntimeConfigRequest__Output } from '../../proto/generated/runtime/v1/UpdateRuntimeConfigRequest';
import { checkMaxLength } from './text';

/** Two CIDRs (dual stack) with room to spare. */
const MAX_POD_CIDR = 256;

export function checkRuntimeConfig(request: UpdateRuntimeConfigRequest__Output): void {
  checkMaxLength(
    'runtime_config.network_config.pod_cidr',
    request.runtime_config?.network_config?.pod_cidr ?? '',
    MAX_POD_CIDR,
  );
}
