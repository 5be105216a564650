// systemd's unit naming for cgroups: a slice name such as "kubepods-burstable-pod12.slice"
// lives at /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12.slice (each dash
// opens a level, as systemd's unit_name_to_path/slice expansion does); scopes sit inside a slice.
import { InvalidArgumentError } from '../../errors';

const SLICE_NAME = /^[A-Za-z0-9:_.\\-]+\.slice$/;
const MAX_UNIT_NAME = 255;

/** Whether `parent` is written in the systemd driver's form (a slice name, no slash). */
export function isSliceName(parent: string): boolean {
  return !parent.includes('/') && parent.endsWith('.slice');
}

/** Checks a slice name the way systemd does; InvalidArgumentError names what is wrong. */
export function checkSliceName(name: string): void {
  const quoted = JSON.stringify(name);
  if (name.length > MAX_UNIT_NAME || !SLICE_NAME.test(name))
    throw new InvalidArgumentError(`cgroup_parent ${quoted} is not a valid systemd slice name`);
  if (name === '-.slice') return;
  const prefix = name.slice(0, -'.slice'.length);
  if (prefix.startsWith('-') || prefix.endsWith('-') || prefix.includes('--'))
    throw new InvalidArgumentError(`cgroup_parent ${quoted}: a slice name has no empty level between dashes`);
}

/** The cgroupfs path of a slice: "a-b.slice" → "/a.slice/a-b.slice"; the root slice "-.slice" → "/". */
export function expandSlice(name: string): string {
  checkSliceName(name);
  if (name === '-.slice') return '/';
  const parts = name.slice(0, -'.slice'.length).split('-');
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('-')}.slice`).join('');
}

/** The slice a cgroupfs path ends in ("/a.slice/a-b.slice" → "a-b.slice"); "-.slice" for the root. */
export function sliceOfPath(cgroupPath: string): string {
  const last = cgroupPath.split('/').filter(Boolean).pop();
  return last ?? '-.slice';
}

/** The transient scope corral makes for a container or pod infra. */
export function scopeName(id: string): string {
  return `corral-${id}.scope`;
}

/** corral's own slice for a pod that names no parent; stopped when the pod goes. */
export function ownPodSliceName(podId: string): string {
  return `corral-pod${podId}.slice`;
}

export function isOwnPodSlice(name: string): boolean {
  return name.startsWith('corral-') && name.endsWith('.slice');
}
