// Every pod netns gets its loopback up from corrald itself, as CRI-O does and containerd can:
// the CNI loopback plugin only does this, costs a process per ADD and DEL, and is to be
// deprecated. Records of an older corral may still list it as an attachment (DEL runs it then).
import { InternalError } from '../errors';
import { loopbackUp } from '../../native/loopback_up';

export function bringUpLoopback(netnsPath: string): void {
  try {
    loopbackUp(netnsPath);
  } catch (err) {
    throw new InternalError(`cannot bring up lo in ${netnsPath}: ${(err as Error).message}`);
  }
}
