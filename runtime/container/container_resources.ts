// A container's cgroup resources: what it is created with (its config's, the default pids
// limit, the default device rules unless privileged), what is in force after live updates, and
// the update itself.
import type { CgroupResources, DeviceRule } from '../cgroups/resources';
import { defaultDeviceRules } from '../cgroups/devices_default';
import { FailedPreconditionError } from '../errors';
import type { ContainerConfig } from './container_config';
import type { ContainerDeps } from './container_deps';
import type { ContainerRecord } from './container_record';

export function initialResources(
  config: ContainerConfig,
  defaultPidsLimit: number | undefined,
  deviceRules: DeviceRule[] = [],
): CgroupResources {
  return {
    ...config.resources,
    pidsLimit: config.resources?.pidsLimit ?? defaultPidsLimit,
    devices: config.security.privileged ? undefined : [...defaultDeviceRules(), ...deviceRules],
  };
}

/** What ContainerStatus.resources shows: the last update, else the config's. */
export function resourcesInForce(record: ContainerRecord): CgroupResources {
  return record.status.resources ?? record.meta.config.resources ?? {};
}

/**
 * Applies a live update (fields left undefined keep their value) and records what is in force.
 * Bad values fail before anything changes.
 */
export async function updateResources(deps: ContainerDeps, id: string, update: CgroupResources): Promise<void> {
  await deps.store.locked(id, async () => {
    const record = deps.store.resolve(id);
    if (record.status.state === 'exited')
      throw new FailedPreconditionError(`container ${id} has exited; its resources cannot change`);
    deps.cgroups.validate(update);
    await deps.cgroups.open(record.meta.cgroupPath).apply(update);
    const merged = mergeDefined(resourcesInForce(record), update);
    await deps.store.update(id, (status) => ({ ...status, resources: merged }));
  });
}

function mergeDefined(base: CgroupResources, update: CgroupResources): CgroupResources {
  const out: CgroupResources = { ...base };
  for (const [key, value] of Object.entries(update) as [keyof CgroupResources, unknown][]) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
