// Paths hidden or made read-only inside unprivileged containers: containerd's defaults, unless
// kubelet sends its own lists (it does for procMount Default). Privileged containers get none.
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/sys/devices/virtual/powercap', '/proc/scsi',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
];

export function maskedPaths(privileged: boolean, requested: string[]): string[] {
  if (privileged) return [];
  return requested.length > 0 ? [...requested] : [...DEFAULT_MASKED_PATHS];
}

export function readonlyPaths(privileged: boolean, requested: string[]): string[] {
  if (privileged) return [];
  return requested.length > 0 ? [...requested] : [...DEFAULT_READONLY_PATHS];
}
