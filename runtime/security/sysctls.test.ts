import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors';
import { sysctlProcPath, validateSysctls } from './sysctls';

const pod = { hostNetwork: false, hostIpc: false };

describe('validateSysctls', () => {
  it('accepts the namespaced sysctls', () => {
    const ok = {
      'net.ipv4.ip_forward': '1',
      'net.core.somaxconn': '1024',
      'kernel.shm_rmid_forced': '1',
      'kernel.shmmax': '65536',
      'kernel.msgmax': '8192',
      'kernel.sem': '250 32000 100 128',
      'fs.mqueue.msg_max': '10',
    };
    assert.deepEqual(validateSysctls(ok, pod), ok);
  });

  it('refuses node-wide sysctls', () => {
    for (const name of [
      'kernel.hostname',
      'vm.overcommit_memory',
      'kernel.panic',
      'fs.file-max',
      'kernel.semx',
      'net',
    ]) {
      assert.throws(
        () => validateSysctls({ [name]: '1' }, pod),
        (err: Error) => err instanceof InvalidArgumentError && err.message.includes(name),
        name,
      );
    }
  });

  it('refuses net.* in host-network pods and IPC ones in host-IPC pods', () => {
    assert.throws(
      () => validateSysctls({ 'net.ipv4.ip_forward': '1' }, { hostNetwork: true, hostIpc: false }),
      /host-network/,
    );
    assert.deepEqual(validateSysctls({ 'kernel.shmmax': '1' }, { hostNetwork: true, hostIpc: false }), {
      'kernel.shmmax': '1',
    });
    assert.throws(() => validateSysctls({ 'kernel.shmmax': '1' }, { hostNetwork: false, hostIpc: true }), /host-IPC/);
    assert.throws(
      () => validateSysctls({ 'fs.mqueue.msg_max': '1' }, { hostNetwork: false, hostIpc: true }),
      /host-IPC/,
    );
  });

  it('refuses malformed names and values', () => {
    for (const name of ['', 'net..ipv4', 'net.ipv4.', 'net/../kernel', 'net.ipv4.conf.all.rp filter', 'net.ip\nv4']) {
      assert.throws(() => validateSysctls({ [name]: '1' }, pod), InvalidArgumentError, JSON.stringify(name));
    }
    assert.throws(() => validateSysctls({ 'net.core.somaxconn': '1\n2' }, pod), /one line/);
    assert.throws(() => validateSysctls({ 'net.core.somaxconn': 'x'.repeat(5000) }, pod), /one line/);
  });

  it('normalises the slash form, keeping literal dots of interface names', () => {
    assert.deepEqual(validateSysctls({ 'net/ipv4/conf/eth0.100/rp_filter': '2' }, pod), {
      'net.ipv4.conf.eth0/100.rp_filter': '2',
    });
    assert.equal(sysctlProcPath('net.ipv4.conf.eth0/100.rp_filter'), '/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
    assert.equal(sysctlProcPath('kernel.shm_rmid_forced'), '/proc/sys/kernel/shm_rmid_forced');
  });
});
