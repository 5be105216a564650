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

/** Details go out in an HTTP/2 trailer and into the log: a message that echoes input is cut. */
export const MAX_DETAILS = 4096;

export function toGrpcFailure(err: unknown): GrpcFailure {
  const domain = asDomainError(err);
  if (domain) return { code: CODE_OF_KIND[domain.kind], details: bounded(domain.message) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: Status.INTERNAL, details: bounded(`internal error: ${message}`) };
}

function bounded(details: string): string {
  return details.length > MAX_DETAILS ? `${details.slice(0, MAX_DETAILS)}… (cut)` : details;
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
