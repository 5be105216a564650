// When a SPDY session reads its socket. Reading stops while any reason holds: a stream's reader
// is full, the peer is not taking what we write, or frames already read are still queued (in or
// out). A peer that floods us with frames (pings, say) and never reads our answers therefore
// costs a bounded amount of memory: the flood stays in the kernel's socket buffers.
import type { Duplex } from 'node:stream';

/** Unsent bytes above which the socket is not read. */
export const MAX_PENDING_WRITE_BYTES = 64 * 1024;
/** Frames read but not yet handled, or queued but not yet written, above which reading stops. */
export const MAX_QUEUED_FRAMES = 512;

export class ReadGate {
  streamFull = false;
  inboundFrames = 0;
  outboundFrames = 0;
  private paused = false;

  constructor(private readonly socket: Duplex) {}

  /** Whether the socket holds more unsent bytes than we allow. */
  get writesBacklogged(): boolean {
    return this.socket.writableLength > MAX_PENDING_WRITE_BYTES;
  }

  /** Pauses or resumes the socket to match the reasons; call after any of them changed. */
  update(closed: boolean): void {
    const hold =
      this.streamFull ||
      this.writesBacklogged ||
      this.inboundFrames > MAX_QUEUED_FRAMES ||
      this.outboundFrames > MAX_QUEUED_FRAMES;
    if (hold && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!hold && this.paused && !closed) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
