// Runs the native corral-probe, which tries each namespace type, pivot_root, overlayfs, seccomp,
// pidfd and no_new_privs in throw-away child processes (Node cannot unshare user/mount itself).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { nativeProgram } from '../../native/helper_path';
import type { FeatureCheck } from './report';

const run = promisify(execFile);

const REQUIRED = new Set([
  'namespace.mount',
  'namespace.uts',
  'namespace.ipc',
  'namespace.pid',
  'namespace.network',
  'pivot_root',
  'overlayfs',
  'seccomp',
  'no_new_privs',
]);

const GROUP_OF: Record<string, string> = {
  pivot_root: 'filesystems',
  overlayfs: 'filesystems',
  seccomp: 'security',
  no_new_privs: 'security',
  pidfd: 'processes',
};

export async function probeKernel(): Promise<FeatureCheck[]> {
  const { stdout } = await run(nativeProgram('corral-probe'), [], { timeout: 10_000 });
  return stdout
    .trim()
    .split('\n')
    .map((line) => parseProbeLine(line));
}

/**
 * "namespace.user ok" or "pidfd missing Function not implemented". A refusal to a user other than
 * root says nothing about the kernel: that check is unseen, not missing.
 */
export function parseProbeLine(line: string, asRoot = process.geteuid?.() === 0): FeatureCheck {
  const [feature = '', status = '', ...why] = line.split(' ');
  const isNamespace = feature.startsWith('namespace.');
  const detail = status === 'ok' ? '' : why.join(' ');
  const unseen = status !== 'ok' && !asRoot && detail === 'Operation not permitted';
  return {
    group: isNamespace ? 'namespaces' : (GROUP_OF[feature] ?? 'other'),
    name: isNamespace ? feature.slice('namespace.'.length) : feature,
    ok: status === 'ok',
    required: REQUIRED.has(feature),
    detail: unseen ? 'needs root to check' : detail,
    ...(unseen ? { unseen } : {}),
  };
}
