// The client's side of a pty master: output read from it, input written to it, the window size
// set on it. The read stream owns the fd and closes it when destroyed.
import * as fs from 'node:fs';
import { PassThrough, Writable, type Readable } from 'node:stream';
import * as tty from 'node:tty';
import { setWindowSize } from '../../native/pty';
import type { TerminalSize } from './contract';

export interface PtyIo {
  stdin: Writable;
  stdout: Readable;
  resize(size: TerminalSize): void;
  close(): void;
}

export function ptyIo(master: number): PtyIo {
  const output = new tty.ReadStream(master);
  const writeMaster = (chunk: Buffer, done: (err?: Error | null) => void) => {
    if (output.destroyed) done(new Error('terminal closed'));
    else fs.write(master, chunk, (err) => done(err));
  };
  const stdin = new Writable({
    write: (chunk: Buffer, _encoding, done) => writeMaster(chunk, done),
    // The client closed stdin: the terminal's end-of-file character, as a user typing ^D.
    final: (done) => writeMaster(Buffer.from([4]), () => done()),
  });
  const stdout = new PassThrough();
  output.on('data', (chunk: Buffer) => stdout.write(chunk));
  // Reading the master fails with EIO once the last slave holder is gone: that is the end of output.
  output.once('error', () => {
    stdout.end();
    output.destroy();
  });
  output.once('end', () => stdout.end());
  return {
    stdin,
    stdout,
    resize: (size) => {
      if (!output.destroyed) setWindowSize(master, size.width, size.height);
    },
    close: () => {
      output.destroy();
      stdout.end();
    },
  };
}
