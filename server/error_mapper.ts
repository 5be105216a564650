// The one place where errors become gRPC statuses.
import { status as Status } from '@grpc/grpc-js';
import { asDomainError, type ErrorKind } from '../runtime/errors';

const CODE_OF_KIND: Record<ErrorKind, Status> = {
  not_found: Status.NOT_FOUND,
  invalid_argument: Status.INVALID_ARGUMENT,
  already_exists: Status.ALREADY_EXISTS,
  failed_precondition: Status.FAILED_PRECONDITION,
  unimplemented: Status.UNIMPLEMENTED,
  unavailable: Status.UNAVAILABLE,
  deadline_exceeded: Status.DEADLINE_EXCEEDED,
  resource_exhausted: Status.RESOURCE_EXHAUSTED,
  internal: Status.INTERNAL,
};

export interface GrpcFailure {
  code: Status;
  details: string;
}

export function toGrpcFailure(err: unknown): GrpcFailure {
  const domain = asDomainError(err);
  if (domain) return { code: CODE_OF_KIND[domain.kind], details: domain.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: Status.INTERNAL, details: `internal error: ${message}` };
}

/** Failures a client caused are logged at warn; the rest point at a corral bug or the host. */
export function isClientFault(code: Status): boolean {
  return (
    code === Status.NOT_FOUND ||
    code === Status.INVALID_ARGUMENT ||
    code === Status.ALREADY_EXISTS ||
    code === Status.FAILED_PRECONDITION ||
    code === Status.UNIMPLEMENTED
  );
}
