// v2 devices: cgroup v2 has no devices files; access is decided by an eBPF program
// (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the cgroup, compiled from the rules by
// device_program.ts. Attached with BPF_F_ALLOW_MULTI: every program on the path must allow.
import { closeSync, constants, openSync } from 'node:fs';
import {
  BPF_CGROUP_DEVICE,
  BPF_F_ALLOW_MULTI,
  BPF_PROG_TYPE_CGROUP_DEVICE,
  bpfProgAttach,
  bpfProgLoad,
} from '../../../native/bpf';
import { wrapError } from '../../errors';
import type { DeviceRule } from '../resources';
import { deviceProgram } from './device_program';

export async function applyDevicesV2(dir: string, rules: DeviceRule[]): Promise<void> {
  if (rules.length === 0) return;
  let progFd = -1;
  let dirFd = -1;
  try {
    progFd = bpfProgLoad(BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, deviceProgram(rules), 'corral_devices');
    dirFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    // The attachment holds its own reference to the program, so both fds can be closed.
    bpfProgAttach(dirFd, progFd, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI);
  } catch (err) {
    throw wrapError(err, `devices: attaching the device program to ${dir}`);
  } finally {
    if (dirFd >= 0) closeSync(dirFd);
    if (progFd >= 0) closeSync(progFd);
  }
}
