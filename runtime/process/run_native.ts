// Runs a native program with a message on its stdin and collects its one-line report on stdout.
import { spawn } from 'node:child_process';
import { InternalError } from '../errors';

/**
 * Resolves with the report line ("ok …"), once stdout closes. The helper's detached children
 * must have closed their inherited stdout by then (they do, right after reporting).
 */
export function runNative(program: string, args: string[], message: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => reject(new InternalError(`${program}: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      const report = Buffer.concat(out).toString('utf8').trim();
      const words = report.split(' ');
      if (words[0] === 'ok') return resolve(words.slice(1));
      const detail = report.startsWith('error ')
        ? report.slice(6)
        : `${report} ${Buffer.concat(err).toString('utf8')}`.trim();
      reject(new InternalError(`${program} ${args.join(' ')} failed (exit ${code}): ${detail}`));
    });
    child.stdin.on('error', () => {
      /* the helper died early; 'close' reports why */
    });
    child.stdin.end(message);
  });
}
