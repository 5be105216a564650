// The one gRPC mapper: domain errors by kind, native errors through runtime's mapping (errno decides).
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { test } from 'node:test';
import { status as Status } from '@grpc/grpc-js';
import { NativeError, SyscallError } from '../native/errors';
import { NotFoundError, wrapError } from '../runtime/errors';
import { toGrpcFailure } from './error_mapper';

test('a domain error maps by its kind', () => {
  assert.deepEqual(toGrpcFailure(new NotFoundError('container x not found')), {
    code: Status.NOT_FOUND,
    details: 'container x not found',
  });
});

test('a failed system call on a missing object is NOT_FOUND, any other errno INTERNAL', () => {
  const missing = toGrpcFailure(new SyscallError('openat2', constants.errno.ENOENT, '/x'));
  assert.deepEqual(missing, { code: Status.NOT_FOUND, details: 'openat2(/x): ENOENT' });
  const denied = toGrpcFailure(new SyscallError('mount', constants.errno.EPERM, '/y'));
  assert.deepEqual(denied, { code: Status.INTERNAL, details: 'mount(/y): EPERM' });
});

test('a native error without errno is INTERNAL with its message', () => {
  assert.deepEqual(toGrpcFailure(new NativeError('stuck in a pod namespace')), {
    code: Status.INTERNAL,
    details: 'stuck in a pod namespace',
  });
});

test('wrapping a failed system call keeps the kind its errno gives', () => {
  const wrapped = wrapError(new SyscallError('lstat', constants.errno.ENOENT, '/z'), 'image layer');
  assert.equal(toGrpcFailure(wrapped).code, Status.NOT_FOUND);
  assert.equal(wrapped.message, 'image layer: lstat(/z): ENOENT');
});

test('anything else is an internal error', () => {
  assert.equal(toGrpcFailure(new TypeError('oops')).code, Status.INTERNAL);
  assert.equal(toGrpcFailure('a string').code, Status.INTERNAL);
});
