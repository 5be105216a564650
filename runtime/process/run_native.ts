// Runs a native program with a message on its stdin and collects its one-line report on stdout.
import { FailedPreconditionError, InternalError } from '../errors';
import type { SealedProgram } from '../../native/sealed_program';
import { closedOf, reapAfterClose, startPiped, type PipedProgram } from './piped_helper';

/** The helper's mark (native/helper/common/mounts.h) for a volume whose filesystem cannot be idmapped. */
const IDMAP_PRECONDITION = 'filesystem cannot be idmapped:';

/**
 * Resolves with the report line ("ok …"), once stdout and stderr closed and the program exited.
 * It is started without forking corrald (piped_helper.ts). The helper's detached children
 * must have closed their inherited stdout by then (they do, right after reporting).
 * `program` is spawned with an empty environment (a container may see its children before their
 * execve) and `extraFds` as its fds 3, 4… A `message` still to come is written when ready; if it
 * fails, stdin just closes and the program ends on the empty message.
 */
export function runNative(
  program: SealedProgram,
  args: string[],
  message: Buffer | Promise<Buffer>,
  extraFds: number[] = [],
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let child: PipedProgram;
    try {
      child = startPiped(program, args, 3, extraFds);
    } catch (e) {
      reject(new InternalError(`${program.name}: ${(e as Error).message}`, { cause: e }));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const { stdin, stdout, stderr } = child;
    stdout.on('data', (chunk: Buffer) => out.push(chunk));
    stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const closed = Promise.all([stdout, stderr].map(closedOf));
    const failed = (e: unknown) => reject(new InternalError(`${program.name}: ${(e as Error).message}`, { cause: e }));
    const ended = closed.then(() => reapAfterClose(child.pid, stdout));
    ended.then(({ code }) => {
      const report = Buffer.concat(out).toString('utf8').trim();
      const words = report.split(' ');
      if (words[0] === 'ok') return resolve(words.slice(1));
      const detail = report.startsWith('error ')
        ? report.slice(6)
        : `${report} ${Buffer.concat(err).toString('utf8')}`.trim();
      if (detail.includes(IDMAP_PRECONDITION))
        return reject(new FailedPreconditionError(detail.slice(detail.indexOf(IDMAP_PRECONDITION))));
      reject(new InternalError(`${program.name} ${args.join(' ')} failed (exit ${code}): ${detail}`));
    }, failed);
    stdin.on('error', () => {
      /* the helper died early; 'close' reports why */
    });
    Promise.resolve(message).then(
      (bytes) => stdin.end(bytes),
      () => stdin.end(),
    );
  });
}
