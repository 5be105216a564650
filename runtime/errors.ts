// Typed domain errors. Everything below server/ throws these; server/error_mapper.ts is the
// one place that turns them into gRPC status codes.

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

/** Adds context to any error while keeping its kind (crun's wrap-as-you-go). */
export function wrapError(err: unknown, context: string): CorralError {
  if (err instanceof CorralError) {
    const wrapped = new CorralError(err.kind, `${context}: ${err.message}`, { cause: err });
    return wrapped;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(`${context}: ${message}`, { cause: err });
}
