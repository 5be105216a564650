// LinuxContainerResources (CreateContainer, UpdateContainerResources): the ranges the kernel
// accepts, refused here instead of failing half-way through applying them.
import type { LinuxContainerResources__Output } from '../../proto/generated/runtime/v1/LinuxContainerResources';
import { checkRange } from './text';

export function checkResources(field: string, resources: LinuxContainerResources__Output | null | undefined): void {
  if (!resources) return;
  checkRange(`${field}.oom_score_adj`, resources.oom_score_adj, -1000, 1000);
}
