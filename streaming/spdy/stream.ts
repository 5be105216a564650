// One SPDY stream as a Node duplex: what the peer sends is readable, what we write goes out as
// data frames; ending the writable side sends FIN (half-close); destroying it resets the stream.
import { Duplex } from 'node:stream';
import type { SpdyHeaders } from './header_block';

/** What a stream needs from its session (kept narrow so the two stay easy to read apart). */
export interface StreamTransport {
  sendData(streamId: number, data: Buffer, fin: boolean, done: (err?: Error | null) => void): void;
  sendReset(streamId: number): void;
  forget(streamId: number): void;
  pauseReading(): void;
  resumeReading(): void;
}

/** Largest data frame we send (the peer may accept more; this keeps frames interleaving). */
const MAX_OUTGOING_FRAME = 64 * 1024;

export class SpdyStream extends Duplex {
  private localFinished = false;
  private remoteFinished = false;
  private resetSeen = false;

  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly transport: StreamTransport,
  ) {
    super({ allowHalfOpen: true });
  }

  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }

  /** Data arrived from the peer. */
  receive(data: Buffer): void {
    if (this.remoteFinished || this.destroyed) return;
    if (data.length > 0 && !this.push(data)) this.transport.pauseReading();
  }

  /** The peer half-closed its side. */
  receiveFin(): void {
    if (this.remoteFinished) return;
    this.remoteFinished = true;
    this.push(null);
    this.forgetIfDone();
  }

  /** The peer reset the stream: both directions end now, nothing is sent back. */
  receiveReset(): void {
    this.resetSeen = true;
    this.destroy();
  }

  override _read(): void {
    this.transport.resumeReading();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.sendInFrames(chunk, done);
  }

  private sendInFrames(chunk: Buffer, done: (err?: Error | null) => void): void {
    if (chunk.length <= MAX_OUTGOING_FRAME) {
      this.transport.sendData(this.id, chunk, false, done);
      return;
    }
    this.transport.sendData(this.id, chunk.subarray(0, MAX_OUTGOING_FRAME), false, (err) => {
      if (err) done(err);
      else this.sendInFrames(chunk.subarray(MAX_OUTGOING_FRAME), done);
    });
  }

  override _final(done: (err?: Error | null) => void): void {
    this.localFinished = true;
    this.transport.sendData(this.id, Buffer.alloc(0), true, (err) => {
      this.forgetIfDone();
      done(err);
    });
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    if (!this.resetSeen && !(this.localFinished && this.remoteFinished)) this.transport.sendReset(this.id);
    this.transport.forget(this.id);
    done(err);
  }

  private forgetIfDone(): void {
    if (this.localFinished && this.remoteFinished) this.transport.forget(this.id);
  }
}
