// Device rules as systemd's DevicePolicy/DeviceAllow (cgroup v1): without them systemd writes
// "devices.allow a" to the scope whenever it applies the unit (start, daemon-reload), undoing
// the container's device list. Mapped as runc does: "/dev/char/M:N" for one device,
// "char-<name>" (from /proc/devices) for a whole major, "char-*" for every one.
import { readFileSync } from 'node:fs';
import type { DeviceRule } from '../resources';
import { Variant, type UnitProperty } from './unit_properties';

export function deviceProperties(rules: DeviceRule[] | undefined): UnitProperty[] {
  if (!rules) return [];
  // Rules apply in order after "deny all"; an allow-all means no policy at all (privileged).
  if (rules.some((r) => r.allow && r.type === 'a')) return [['DevicePolicy', new Variant('s', 'auto')]];
  const allow: [string, string][] = [];
  for (const rule of rules.filter((r) => r.allow && r.type !== 'a')) {
    const path = devicePath(rule);
    if (path) allow.push([path, rule.access]);
  }
  return [
    ['DevicePolicy', new Variant('s', 'strict')],
    ['DeviceAllow', new Variant('a(ss)', allow)],
  ];
}

function devicePath(rule: DeviceRule): string | undefined {
  const kind = rule.type === 'c' ? 'char' : 'block';
  if (rule.major === undefined) return `${kind}-*`;
  if (rule.minor !== undefined) return `/dev/${kind}/${rule.major}:${rule.minor}`;
  const name = majorNames(kind).get(rule.major);
  return name ? `${kind}-${name}` : undefined;
}

let cached: Map<string, Map<number, string>> | undefined;

/** /proc/devices: major number → driver name, per kind ("char", "block"). */
function majorNames(kind: 'char' | 'block'): Map<number, string> {
  if (!cached) {
    cached = new Map([
      ['char', new Map()],
      ['block', new Map()],
    ]);
    let section: Map<number, string> | undefined;
    for (const line of readFileSync('/proc/devices', 'utf8').split('\n')) {
      if (line.startsWith('Character')) section = cached.get('char');
      else if (line.startsWith('Block')) section = cached.get('block');
      const match = /^\s*(\d+)\s+(\S+)$/.exec(line);
      if (match && section && !section.has(Number(match[1]))) section.set(Number(match[1]), match[2]);
    }
  }
  return cached.get(kind)!;
}
