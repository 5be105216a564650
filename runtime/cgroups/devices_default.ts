// The devices a container may use by default, like containerd's default Linux spec: everything
// denied, mknod allowed for any char/block device (opening still needs an allow rule), and the
// standard /dev nodes plus ptys and tun allowed.
import type { DeviceRule } from './resources';

const rwm = 'rwm';

export function defaultDeviceRules(): DeviceRule[] {
  return [
    { allow: false, type: 'a', access: rwm },
    { allow: true, type: 'c', access: 'm' },
    { allow: true, type: 'b', access: 'm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: rwm }, // /dev/null
    { allow: true, type: 'c', major: 1, minor: 5, access: rwm }, // /dev/zero
    { allow: true, type: 'c', major: 1, minor: 7, access: rwm }, // /dev/full
    { allow: true, type: 'c', major: 1, minor: 8, access: rwm }, // /dev/random
    { allow: true, type: 'c', major: 1, minor: 9, access: rwm }, // /dev/urandom
    { allow: true, type: 'c', major: 5, minor: 0, access: rwm }, // /dev/tty
    { allow: true, type: 'c', major: 5, minor: 1, access: rwm }, // /dev/console
    { allow: true, type: 'c', major: 5, minor: 2, access: rwm }, // /dev/ptmx
    { allow: true, type: 'c', major: 136, access: rwm }, // /dev/pts/*
    { allow: true, type: 'c', major: 10, minor: 200, access: rwm }, // /dev/net/tun
  ];
}

/** "c 1:3 rwm" — the v1 devices.allow/deny syntax. */
export function formatDeviceRule(rule: DeviceRule): string {
  if (rule.type === 'a') return 'a';
  const num = (n: number | undefined) => (n === undefined ? '*' : String(n));
  return `${rule.type} ${num(rule.major)}:${num(rule.minor)} ${rule.access}`;
}
