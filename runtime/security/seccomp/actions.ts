// Seccomp actions by their OCI/libseccomp names and the filter return values the kernel knows
// (include/uapi/linux/seccomp.h). The precedence is the kernel's: when several rules could
// decide one system call, the most restrictive action wins.
import { InvalidArgumentError } from '../../errors';

export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;

const EPERM = 1;
const RET_DATA_MASK = 0xffff;

type ActionName =
  | 'SCMP_ACT_KILL'
  | 'SCMP_ACT_KILL_PROCESS'
  | 'SCMP_ACT_KILL_THREAD'
  | 'SCMP_ACT_TRAP'
  | 'SCMP_ACT_ERRNO'
  | 'SCMP_ACT_TRACE'
  | 'SCMP_ACT_LOG'
  | 'SCMP_ACT_ALLOW'
  | 'SCMP_ACT_NOTIFY';

const BASE_VALUES: Record<ActionName, number> = {
  SCMP_ACT_KILL: SECCOMP_RET_KILL_THREAD,
  SCMP_ACT_KILL_THREAD: SECCOMP_RET_KILL_THREAD,
  SCMP_ACT_KILL_PROCESS: SECCOMP_RET_KILL_PROCESS,
  SCMP_ACT_TRAP: SECCOMP_RET_TRAP,
  SCMP_ACT_ERRNO: SECCOMP_RET_ERRNO,
  SCMP_ACT_TRACE: SECCOMP_RET_TRACE,
  SCMP_ACT_LOG: SECCOMP_RET_LOG,
  SCMP_ACT_ALLOW: SECCOMP_RET_ALLOW,
  SCMP_ACT_NOTIFY: SECCOMP_RET_USER_NOTIF,
};

/**
 * The filter return value for an action. ERRNO and TRACE carry 16 bits of data: errnoRet, or
 * EPERM when the profile gives none (as runc does). `field` names the profile field for errors.
 */
export function actionValue(action: unknown, errnoRet: unknown, field: string): number {
  if (typeof action !== 'string' || !(action in BASE_VALUES)) {
    throw new InvalidArgumentError(`${field}: unknown seccomp action ${JSON.stringify(action)}`);
  }
  if (action === 'SCMP_ACT_NOTIFY') {
    throw new InvalidArgumentError(
      `${field}: SCMP_ACT_NOTIFY needs a seccomp agent (listenerPath), which corral does not support`,
    );
  }
  const base = BASE_VALUES[action as ActionName];
  if (base !== SECCOMP_RET_ERRNO && base !== SECCOMP_RET_TRACE) return base;
  return (base | errnoData(errnoRet, field)) >>> 0;
}

function errnoData(errnoRet: unknown, field: string): number {
  if (errnoRet === undefined || errnoRet === null) return EPERM;
  if (typeof errnoRet !== 'number' || !Number.isInteger(errnoRet) || errnoRet < 0 || errnoRet > RET_DATA_MASK) {
    throw new InvalidArgumentError(
      `${field}: errnoRet must be an integer from 0 to 65535, got ${JSON.stringify(errnoRet)}`,
    );
  }
  return errnoRet;
}

/** Higher is more restrictive (the kernel's order: KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > …). */
export function actionPrecedence(value: number): number {
  switch ((value & 0xffff0000) >>> 0) {
    case SECCOMP_RET_KILL_PROCESS:
      return 8;
    case SECCOMP_RET_KILL_THREAD:
      return 7;
    case SECCOMP_RET_TRAP:
      return 6;
    case SECCOMP_RET_ERRNO:
      return 5;
    case SECCOMP_RET_USER_NOTIF:
      return 4;
    case SECCOMP_RET_TRACE:
      return 3;
    case SECCOMP_RET_LOG:
      return 2;
    default:
      return 1;
  }
}
