// v1 devices: rules written in order to devices.allow / devices.deny (the first is usually
// "deny all", see devices_default.ts).
import path from 'node:path';
import { formatDeviceRule } from '../devices_default';
import { writeValue } from '../fs_util';
import type { CgroupResources } from '../resources';
import type { V1Controller } from './controller';

export const devicesV1: V1Controller = {
  subsystem: 'devices',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    for (const rule of r.devices ?? []) {
      await writeValue(
        path.join(dir, rule.allow ? 'devices.allow' : 'devices.deny'),
        formatDeviceRule(rule),
        'devices',
      );
    }
  },
};
