// A report of what this kernel offers corral, like lxc-checkconfig: one line per feature.
export interface FeatureCheck {
  group: string; // "namespaces", "cgroups", "filesystems", "security", "networking"
  name: string;
  ok: boolean;
  required: boolean;
  detail: string;
  /** This user may not look (the probe needs root): ok is false, and says nothing. */
  unseen?: boolean;
}

/** Required features known to be absent: the node cannot run corral. */
export function missingRequired(checks: FeatureCheck[]): FeatureCheck[] {
  return checks.filter((check) => check.required && !check.ok && !check.unseen);
}

/** Required features this user could not check (run as root to see them). */
export function unseenRequired(checks: FeatureCheck[]): FeatureCheck[] {
  return checks.filter((check) => check.required && check.unseen);
}

/** The node can run corral when every required feature is present. */
export function nodeIsUsable(checks: FeatureCheck[]): boolean {
  return checks.every((check) => check.ok || !check.required);
}
