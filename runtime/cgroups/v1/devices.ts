// v1 devices: rules written in order to devices.allow / devices.deny (the first is usually
// "deny all", see devices_default.ts).
import path from 'node:path';
import { allSteps } from '../../undo_stack';
import { formatDeviceRule } from '../devices_default';
import { writeValue } from '../fs_util';
import type { CgroupResources, DeviceRule } from '../resources';
import type { V1Controller } from './controller';

export const devicesV1: V1Controller = {
  subsystem: 'devices',
  async apply(dir: string, r: CgroupResources): Promise<void> {
    for (const run of commutingRuns(r.devices ?? [])) {
      await allSteps(
        run.map((rule) =>
          writeValue(path.join(dir, rule.allow ? 'devices.allow' : 'devices.deny'), formatDeviceRule(rule), 'devices'),
        ),
      );
    }
  },
};

/**
 * The rules cut into runs whose order does not matter, written side by side: neighbouring allow
 * rules (or deny rules) for named device types each add (or drop) one exception. A rule for all
 * devices ("a") resets the list and stands alone.
 */
export function commutingRuns(rules: readonly DeviceRule[]): DeviceRule[][] {
  const runs: DeviceRule[][] = [];
  for (const rule of rules) {
    const last = runs.at(-1);
    const joins = last && rule.type !== 'a' && last[0].type !== 'a' && last[0].allow === rule.allow;
    if (joins) last.push(rule);
    else runs.push([rule]);
  }
  return runs;
}
