// What each v2 controller file provides: the controller it needs enabled, and how to write its
// part of the resources into the cgroup's directory.
import type { CgroupResources } from '../resources';

export interface V2Controller {
  readonly name: string;
  /** Writes this controller's fields of `r` into `dir` (fields left undefined are untouched). */
  apply(dir: string, r: CgroupResources): Promise<void>;
}
