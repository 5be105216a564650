// Rows of `corralctl stats` for people: CPU as a percentage of one core, memory as working set.
import type { ContainerStats__Output } from '../proto/generated/runtime/v1/ContainerStats';
import type { PodSandboxStats__Output } from '../proto/generated/runtime/v1/PodSandboxStats';
import type { UInt64Value__Output } from '../proto/generated/runtime/v1/UInt64Value';
import { humanSize } from './image_format';
import { shortId } from './output';

const num = (v: UInt64Value__Output | null | undefined): number | undefined => (v ? Number(v.value) : undefined);
const size = (v: UInt64Value__Output | null | undefined) => (num(v) === undefined ? '-' : humanSize(num(v)!));

/** usage_nano_cores as "37.5" (percent of one core); "-" before the second sample. */
export function cpuPercent(nanoCores: UInt64Value__Output | null | undefined): string {
  const n = num(nanoCores);
  return n === undefined ? '-' : (n / 1e7).toFixed(2);
}

export const CONTAINER_HEADER = ['CONTAINER', 'NAME', 'CPU %', 'MEM', 'DISK', 'INODES'];

export function containerRow(s: ContainerStats__Output): string[] {
  return [
    shortId(s.attributes?.id ?? ''),
    s.attributes?.metadata?.name ?? '',
    cpuPercent(s.cpu?.usage_nano_cores),
    size(s.memory?.working_set_bytes),
    size(s.writable_layer?.used_bytes),
    String(num(s.writable_layer?.inodes_used) ?? '-'),
  ];
}

export const POD_HEADER = ['POD', 'NAME', 'CPU %', 'MEM', 'PROCS', 'CONTAINERS', 'RX', 'TX'];

export function podRow(s: PodSandboxStats__Output): string[] {
  const linux = s.linux;
  const net = linux?.network?.interfaces ?? [];
  const total = (pick: (i: (typeof net)[number]) => UInt64Value__Output | null) =>
    humanSize(net.reduce((sum, i) => sum + (num(pick(i)) ?? 0), 0));
  return [
    shortId(s.attributes?.id ?? ''),
    s.attributes?.metadata?.name ?? '',
    cpuPercent(linux?.cpu?.usage_nano_cores),
    size(linux?.memory?.working_set_bytes),
    String(num(linux?.process?.process_count) ?? '-'),
    String(linux?.containers.length ?? 0),
    net.length ? total((i) => i.rx_bytes) : '-',
    net.length ? total((i) => i.tx_bytes) : '-',
  ];
}
