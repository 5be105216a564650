// native/'s own errors. native/ imports nothing above it, so it cannot throw runtime's domain
// errors: runtime/errors.ts (asDomainError) maps these onto domain kinds, and the one gRPC
// mapper sees them through it.
import { constants as osConstants } from 'node:os';

const errnoNames = new Map<number, string>(Object.entries(osConstants.errno).map(([name, value]) => [value, name]));

/** A step at the kernel boundary failed in a way no single errno describes. */
export class NativeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A failed system call: carries errno and its symbolic name (EWOULDBLOCK, EPERM…). */
export class SyscallError extends NativeError {
  readonly code: string;
  constructor(
    readonly syscall: string,
    readonly errno: number,
    context: string,
  ) {
    const code = errnoNames.get(errno) ?? `errno ${errno}`;
    super(`${syscall}(${context}): ${code}`);
    this.code = code;
  }
}
