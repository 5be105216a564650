// SandboxRuntime on `corral-helper infra`: corral-pause holding the pod's namespaces, pinned by
// bind mounts under pinDir, in corrald's one empty-root mount namespace
// (empty_root_namespace.ts). Both run from sealed copies (native/sealed_program.ts).
import { promises as fs, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { NamespaceKind, SandboxInfra, SandboxInfraSpec, SandboxRuntime } from './contract';
import { INFRA_STATE_FILE, type InfraProcessState, readState, writeState } from './bundle_state';
import { sharedEmptyRootNamespace } from './empty_root_namespace';
import { infraMessage } from './messages';
import { isAlive, processRef } from './proc_stat';
import { runNative } from './run_native';
import { signalProcess } from './signal_process';
import { InternalError, InvalidArgumentError } from '../errors';
import { MNT_DETACH, SyscallError, umount2 } from '../../native/libc';
import { nativeProgram } from '../../native/helper_path';
import { makePinnedNetns } from '../../native/pinned_netns';
import { SealedProgram } from '../../native/sealed_program';

const PIN_NAMES = ['net', 'ipc', 'uts', 'pid', 'user'] as const;
/** The pod's proc pin (a directory; corral-helper infra mounts it): see native/helper/corral-helper/pin.c. */
const PROC_PIN = 'proc';
const SIGKILL = 9;

export interface NativeSandboxRuntimeOptions {
  helperPath?: string;
  pausePath?: string;
}

export class NativeSandboxRuntime implements SandboxRuntime {
  private readonly helper: SealedProgram;
  private readonly pause: SealedProgram;

  constructor(options: NativeSandboxRuntimeOptions = {}) {
    this.helper = new SealedProgram(options.helperPath ?? nativeProgram('corral-helper'));
    this.pause = new SealedProgram(options.pausePath ?? nativeProgram('corral-pause'));
  }

  async pinNetworkNamespace(pinDir: string): Promise<string> {
    if (!path.isAbsolute(pinDir)) throw new InvalidArgumentError('pinDir must be an absolute path');
    mkdirSync(pinDir, { recursive: true, mode: 0o700 });
    const pin = path.join(pinDir, 'net');
    makePinnedNetns(pin);
    return pin;
  }

  async startInfra(spec: SandboxInfraSpec, ready?: Promise<unknown>): Promise<SandboxInfra> {
    if (!path.isAbsolute(spec.pinDir) || !path.isAbsolute(spec.bundleDir)) {
      throw new InvalidArgumentError('pinDir and bundleDir must be absolute paths');
    }
    // The helper's spawn (a fork of corrald, an exec) overlaps what `ready` waits for; its spec
    // goes on its stdin after, or nothing does and it ends on the empty message. A failed `ready`
    // is the caller's to report: runNative only reads it.
    const message = ready ? ready.then(() => infraMessage(spec)) : infraMessage(spec);
    if (message instanceof Promise) message.catch(() => undefined);
    await fs.mkdir(spec.bundleDir, { recursive: true, mode: 0o700 });
    await fs.mkdir(spec.pinDir, { recursive: true, mode: 0o700 });
    const fds = [this.pause.descriptor()];
    const emptyRoot = await sharedEmptyRootNamespace(this.helper);
    if (emptyRoot) fds.push(emptyRoot.fd);
    const [pid] = (await runNative(this.helper, ['infra'], message, fds)).map(Number);
    const infra = await processRef(pid);
    if (!infra) throw new InternalError(`sandbox ${spec.id}: infra process vanished right after start`);
    await writeState(spec.bundleDir, INFRA_STATE_FILE, { version: 1, infra, pinDir: spec.pinDir });
    return { infra, namespacePaths: namespacePaths(spec) };
  }

  async killInfra(bundleDir: string): Promise<void> {
    const state = await readState<InfraProcessState>(bundleDir, INFRA_STATE_FILE);
    if (state) await killAndWait(state.infra);
  }

  async stopInfra(bundleDir: string, pinDir: string, { keepNetwork = false } = {}): Promise<void> {
    await this.killInfra(bundleDir);
    unpin(pinDir, keepNetwork ? ['net'] : []);
    if (!keepNetwork) rmSync(path.join(bundleDir, INFRA_STATE_FILE), { force: true });
  }
}

function namespacePaths(spec: SandboxInfraSpec): SandboxInfra['namespacePaths'] {
  const paths: SandboxInfra['namespacePaths'] = {};
  for (const kind of Object.keys(spec.namespaces) as NamespaceKind[]) {
    const setting = spec.namespaces[kind];
    if (setting.mode === 'new') paths[kind] = path.join(spec.pinDir, kind);
    if (setting.mode === 'join') paths[kind] = setting.path;
  }
  if (spec.userNamespace) paths.user = path.join(spec.pinDir, 'user');
  if (spec.namespaces.pid.mode === 'new') paths.proc = path.join(spec.pinDir, PROC_PIN);
  return paths;
}

async function killAndWait(ref: InfraProcessState['infra']): Promise<void> {
  if (!(await signalProcess(ref, SIGKILL))) return;
  // Gone (a zombie at least, its namespaces released) within a millisecond or two of SIGKILL:
  // looked at every millisecond at first, then every 5 (about 5 s in all).
  for (let i = 0; i < 1000 && (await isAlive(ref)); i++) await new Promise((r) => setTimeout(r, i < 20 ? 1 : 5));
}

function unmountPin(pin: string): void {
  try {
    umount2(pin, MNT_DETACH);
  } catch (err) {
    if (!(err instanceof SyscallError) || (err.code !== 'EINVAL' && err.code !== 'ENOENT')) throw err;
  }
}

/** Blocking, as the umounts: the pins are corral's own empty files (six unlinks, no round trips). */
function unpin(pinDir: string, keep: readonly string[]): void {
  for (const name of PIN_NAMES) {
    if (keep.includes(name)) continue;
    const pin = path.join(pinDir, name);
    unmountPin(pin);
    rmSync(pin, { force: true });
  }
  const proc = path.join(pinDir, PROC_PIN);
  unmountPin(proc);
  try {
    rmdirSync(proc);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
