// What each v1 controller file provides: the subsystem whose hierarchy holds its files, and how
// to write its part of the resources there.
import type { CgroupResources } from '../resources';

export interface V1Controller {
  readonly subsystem: string;
  /** Writes this controller's fields of `r` into `dir` (fields left undefined are untouched). */
  apply(dir: string, r: CgroupResources): Promise<void>;
}
