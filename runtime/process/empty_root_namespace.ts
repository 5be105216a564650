// The mount namespace every pod's pause joins, and every container init's own starts from (a
// copy of it, corral-monitor's mount_base.c): its root is an empty read-only tmpfs. Made once
// per corrald by `corral-helper empty-root` and held open here for corrald's lifetime (an open
// namespace descriptor keeps it alive without any process in it, and it goes when corrald does).
// A pause or an init that started from a copy of the host's mount table (and detached it again)
// would cost in proportion to the host's mounts: thousands on a node with many containers.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { InternalError } from '../errors';
import { moduleLogger } from '../log';
import type { SealedProgram } from '../../native/sealed_program';

/** The helper's report: "ok" once it sits in the new namespace, else its error. */
function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => resolve(text.split('\n')[0].trim());
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n') || text.length > 4096) done();
    });
    stream.on('close', done);
    stream.on('error', done);
  });
}

export async function openEmptyRootNamespace(helper: SealedProgram): Promise<fs.FileHandle> {
  const child = spawn(helper.execPath(), ['empty-root'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: {},
    argv0: helper.name,
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.on('error', () => undefined); // 'close' follows and firstLine resolves empty
  child.stdin.on('error', () => undefined);
  try {
    const report = await firstLine(child.stdout);
    if (report !== 'ok') throw new InternalError(`${helper.name} empty-root: ${report || 'no report'}`);
    // Our child, not yet reaped while it waits for EOF on stdin: its pid still names it.
    return await fs.open(`/proc/${child.pid}/ns/mnt`, 'r');
  } finally {
    child.stdin.end();
    await exited;
  }
}

const log = moduleLogger('empty-root');
const shared = new Map<string, Promise<fs.FileHandle | undefined>>();

/** This corrald's one empty-root namespace, made by `helper` on first use; undefined when it
 *  could not be made (pauses then make their own, and inits copy the host's namespace). */
export function sharedEmptyRootNamespace(helper: SealedProgram): Promise<fs.FileHandle | undefined> {
  let namespace = shared.get(helper.source);
  if (!namespace) {
    namespace = openEmptyRootNamespace(helper).catch((err: unknown) => {
      log.warn("no shared empty-root mount namespace; pauses make their own, inits copy the host's", {
        error: String(err),
      });
      return undefined;
    });
    shared.set(helper.source, namespace);
  }
  return namespace;
}
