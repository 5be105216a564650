// Typed domain errors. Everything below server/ throws these; server/error_mapper.ts is the
// one place that turns them into gRPC status codes. native/ has its own errors (it imports
// nothing above it); asDomainError maps them here.
import { constants as osConstants } from 'node:os';
import { NativeError, SyscallError } from '../native/errors';

export type ErrorKind =
  | 'not_found'
  | 'invalid_argument'
  | 'already_exists'
  | 'failed_precondition'
  | 'unimplemented'
  | 'unavailable'
  | 'deadline_exceeded'
  | 'resource_exhausted'
  | 'internal';

export class CorralError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends CorralError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_found', message, options);
  }
}

export class InvalidArgumentError extends CorralError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_argument', message, options);
  }
}

export class AlreadyExistsError extends CorralError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('already_exists', message, options);
  }
}

export class FailedPreconditionError extends CorralError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('failed_precondition', message, options);
  }
}

export class UnimplementedError extends CorralError {
  constructor(message: string) {
    super('unimplemented', message);
  }
}

export class UnavailableError extends CorralError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, options);
  }
}

export class DeadlineExceededError extends CorralError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('deadline_exceeded', message, options);
  }
}

export class ResourceExhaustedError extends CorralError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('resource_exhausted', message, options);
  }
}

export class InternalError extends CorralError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('internal', message, options);
  }
}

/** The kind a failed system call stands for: a missing object is not_found, the rest is the host's fault. */
function kindOfErrno(errno: number): ErrorKind {
  return errno === osConstants.errno.ENOENT ? 'not_found' : 'internal';
}

/** The domain error `err` stands for: itself, or a native error mapped by its errno; undefined for anything else (a bug). */
export function asDomainError(err: unknown): CorralError | undefined {
  if (err instanceof CorralError) return err;
  if (err instanceof SyscallError) return new CorralError(kindOfErrno(err.errno), err.message, { cause: err });
  if (err instanceof NativeError) return new InternalError(err.message, { cause: err });
  return undefined;
}

/** Adds context to any error while keeping its kind (crun's wrap-as-you-go). */
export function wrapError(err: unknown, context: string): CorralError {
  const domain = asDomainError(err);
  if (domain) return new CorralError(domain.kind, `${context}: ${domain.message}`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(`${context}: ${message}`, { cause: err });
}
