// A report of what this kernel offers corral, like lxc-checkconfig: one line per feature.
export interface FeatureCheck {
  group: string; // "namespaces", "cgroups", "filesystems", "security", "networking"
  name: string;
  ok: boolean;
  required: boolean;
  detail: string;
}

/** The node can run corral when every required feature is present. */
export function nodeIsUsable(checks: FeatureCheck[]): boolean {
  return checks.every((check) => check.ok || !check.required);
}
