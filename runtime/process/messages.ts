// Builds the helper/monitor messages (wire.ts) from the process-layer contract.
import type {
  ContainerSpec,
  NamespaceKind,
  NamespaceSetting,
  ProcessSpec,
  SandboxInfraSpec,
  UserNamespaceSpec,
} from './contract';
import { capabilityMask, rlimitNumber } from './linux_names';
import { mountFlags } from './mount_flags';
import { encodeRecords, type WireRecord } from './wire';
import { InvalidArgumentError } from '../errors';

const NAMESPACE_KINDS: NamespaceKind[] = ['net', 'ipc', 'uts', 'pid'];

function namespaceValue(setting: NamespaceSetting): string {
  if (setting.mode !== 'join') return setting.mode;
  if (!setting.path.startsWith('/')) throw new InvalidArgumentError(`namespace path "${setting.path}" is not absolute`);
  return `join:${setting.path}`;
}

function namespaceRecords(namespaces: Record<NamespaceKind, NamespaceSetting>): WireRecord[] {
  const records = NAMESPACE_KINDS.map((kind) => [`ns.${kind}`, namespaceValue(namespaces[kind])] as WireRecord);
  const pid = namespaces.pid;
  if (pid.mode === 'join' && pid.proc) {
    if (!pid.proc.startsWith('/')) throw new InvalidArgumentError(`proc pin "${pid.proc}" is not absolute`);
    records.push(['proc_pin', pid.proc]);
  }
  if (pid.mode === 'join' && pid.procMountNs) {
    if (!pid.procMountNs.startsWith('/'))
      throw new InvalidArgumentError(`mount namespace "${pid.procMountNs}" is not absolute`);
    records.push(['proc_mnt_ns', pid.procMountNs]);
  }
  return records;
}

function idMap(entries: UserNamespaceSpec['uidMappings']): string {
  return entries.map((m) => `${m.containerId} ${m.hostId} ${m.size}\n`).join('');
}

function userNamespaceRecords(userns: ContainerSpec['userNamespace']): WireRecord[] {
  if (!userns) return [];
  const maps: WireRecord[] =
    userns.uidMappings && userns.gidMappings
      ? [
          ['uid_map', idMap(userns.uidMappings)],
          ['gid_map', idMap(userns.gidMappings)],
        ]
      : [];
  return [['userns', userns.mode === 'join' ? namespaceValue(userns) : 'new'], ...maps];
}

const flag = (value: boolean): string => (value ? '1' : '0');

export function processRecords(process: ProcessSpec): WireRecord[] {
  if (process.args.length === 0) throw new InvalidArgumentError('the process has no command');
  const caps = process.capabilities;
  const records: WireRecord[] = [
    ...process.args.map((arg) => ['arg', arg] as WireRecord),
    ...process.env.map((env) => ['env', env] as WireRecord),
    ['cwd', process.cwd || '/'],
    ['uid', String(process.uid)],
    ['gid', String(process.gid)],
    ...process.additionalGids.map((gid) => ['gid_extra', String(gid)] as WireRecord),
    ['tty', flag(process.tty)],
    ['stdin', flag(process.stdin)],
    ['nnp', flag(process.noNewPrivileges)],
    ['caps.bounding', capabilityMask(caps.bounding)],
    ['caps.effective', capabilityMask(caps.effective)],
    ['caps.permitted', capabilityMask(caps.permitted)],
    ['caps.inheritable', capabilityMask(caps.inheritable)],
    ['caps.ambient', capabilityMask(caps.ambient)],
    ...process.rlimits.map((r) => ['rlimit', `${rlimitNumber(r.type)} ${r.soft} ${r.hard}`] as WireRecord),
  ];
  if (process.oomScoreAdj !== undefined) records.push(['oom_score_adj', String(process.oomScoreAdj)]);
  if (process.seccompFilter) records.push(['seccomp', process.seccompFilter]);
  return records;
}

function mountRecord(mount: ContainerSpec['mounts'][number]): WireRecord {
  if (!mount.destination.startsWith('/'))
    throw new InvalidArgumentError(`mount destination "${mount.destination}" is not absolute`);
  const { flags, data, propagation } = mountFlags(mount);
  const fields = [
    mount.source,
    mount.destination,
    mount.type,
    data,
    String(flags),
    String(propagation),
    flag(mount.recursiveReadonly),
    flag(mount.idmap ?? false),
  ];
  return ['mount', fields.join('\0')];
}

const sysctlRecords = (sysctls: { [key: string]: string }): WireRecord[] =>
  Object.entries(sysctls).map(([key, value]) => ['sysctl', `${key}=${value}`] as WireRecord);

function cgroupfsRecords(view: ContainerSpec['cgroupfs']): WireRecord[] {
  if (!view) return [];
  if (view.kind === 'v2') return [['cgroup2', '1']];
  return view.hierarchies.map(({ dir, data }) => {
    if (dir === '' || dir.includes('/') || dir.includes('\0') || data.includes('\0'))
      throw new InvalidArgumentError(`bad cgroup hierarchy ${JSON.stringify(dir)}`);
    return ['cgroup_v1', `${dir}\0${data}`] as WireRecord;
  });
}

function rootfsLayerRecords(layers: ContainerSpec['rootfsLayers']): WireRecord[] {
  if (!layers) return [];
  return [
    ...layers.lowerDirs.map((dir) => ['rootfs_lower', dir] as WireRecord),
    ['rootfs_upper', layers.upperDir],
    ['rootfs_work', layers.workDir],
  ];
}

/** procPidnsFsconfig false: the helper takes the older kernels' way to the joined pid namespace's /proc. */
export function containerMessage(spec: ContainerSpec, procPidnsFsconfig = true): Buffer {
  return encodeRecords([
    ['id', spec.id],
    ['bundle', spec.bundleDir],
    ['rootfs', spec.rootfs],
    ['readonly_rootfs', flag(spec.readonlyRootfs)],
    ['chroot', flag(spec.rootfsMode === 'chroot')],
    ...rootfsLayerRecords(spec.rootfsLayers),
    ['privileged', flag(spec.privileged)],
    ['hostname', spec.namespaces.uts.mode === 'new' ? (spec.hostname ?? '') : ''],
    ['log_path', spec.logPath],
    ...namespaceRecords(spec.namespaces),
    ...userNamespaceRecords(spec.userNamespace),
    ...spec.mounts.map(mountRecord),
    ...spec.maskedPaths.map((p) => ['masked', p] as WireRecord),
    ...spec.readonlyPaths.map((p) => ['readonly_path', p] as WireRecord),
    ...sysctlRecords(spec.sysctls),
    ...cgroupfsRecords(spec.cgroupfs),
    ...spec.cgroupProcsFiles.map((file) => ['cgroup_procs', file] as WireRecord),
    ...processRecords(spec.process),
    ...(procPidnsFsconfig ? [] : [['no_proc_pidns', '1'] as WireRecord]),
  ]);
}

export function infraMessage(spec: SandboxInfraSpec): Buffer {
  return encodeRecords([
    ['id', spec.id],
    ['bundle', spec.bundleDir],
    ['hostname', spec.hostname],
    ['pin_dir', spec.pinDir],
    ...namespaceRecords(spec.namespaces),
    ...userNamespaceRecords(spec.userNamespace),
    ...sysctlRecords(spec.sysctls),
    ...spec.cgroupProcsFiles.map((file) => ['cgroup_procs', file] as WireRecord),
  ]);
}

export interface ExecTarget {
  pid: number;
  startTime: string;
  cgroupProcsFiles: string[];
  /** The container's id: its session keyring "_ses.<id>" is joined (absent: state files of older corralds). */
  containerId?: string;
}

export function execMessage(target: ExecTarget, process: ProcessSpec): Buffer {
  return encodeRecords([
    ...(target.containerId ? [['id', target.containerId] as WireRecord] : []),
    ['target_pid', String(target.pid)],
    ['target_start', target.startTime],
    ...target.cgroupProcsFiles.map((file) => ['cgroup_procs', file] as WireRecord),
    ...processRecords(process),
  ]);
}
