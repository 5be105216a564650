import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { containerConfigFromCri } from './cri_container_config';
import { InvalidArgumentError } from '../runtime/errors';

function configWith(securityContext: Record<string, unknown>) {
  return {
    metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox', annotations: {}, user_specified_image: '', runtime_handler: '' },
    command: [], args: [], working_dir: '', envs: [], mounts: [], labels: {}, annotations: {}, log_path: '',
    stdin: false, stdin_once: false, tty: false, stop_signal: 'SIGNAL_RUNTIME_DEFAULT',
    linux: { security_context: securityContext, resources: null },
  } as never;
}

test('run_as_group without a user is refused, as containerd does', () => {
  assert.throws(() => containerConfigFromCri(configWith({ run_as_group: { value: '7' } })), (err: Error) =>
    err instanceof InvalidArgumentError && /run_as_group/.test(err.message));
  const withUser = containerConfigFromCri(configWith({ run_as_group: { value: '7' }, run_as_user: { value: '33' }, supplemental_groups: [] }));
  assert.equal(withUser.security.runAsGroup, 7);
  const withName = containerConfigFromCri(configWith({ run_as_group: { value: '7' }, run_as_username: 'nobody', supplemental_groups: [] }));
  assert.equal(withName.security.runAsUsername, 'nobody');
});
