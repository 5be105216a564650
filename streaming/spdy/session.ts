// A SPDY/3 connection: frames in and out of one socket, streams by id, header compression,
// pings, GOAWAY, and an idle timer. The server role accepts peer streams (the Kubernetes
// streaming protocols have the client open every stream); the client role opens them.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  FrameReader,
  RstStatus,
  SpdyProtocolError,
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  encodeSynStream,
  type SpdyFrame,
} from './frames';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './header_block';
import { SpdyStream, type StreamTransport } from './stream';
import { ReadGate } from './read_gate';

export type SpdyRole = 'server' | 'client';

export interface SpdySessionOptions {
  /** Ends the session when no frame has moved either way for this long (0 = never). */
  idleTimeoutMs?: number;
  /** Streams open at once; more are refused. */
  maxConcurrentStreams?: number;
  /** Ends the session when the peer takes none of our queued bytes for this long. */
  writeStallTimeoutMs?: number;
}

const DEFAULT_MAX_STREAMS = 256;
/** How long a gracefully closed connection may take to hand its last bytes to the peer. */
const LINGER_MS = 10_000;
const DEFAULT_WRITE_STALL_MS = 60_000;

/**
 * Events: 'stream' (SpdyStream opened by the peer, server role; call accept() or reject()),
 * 'close' (error | undefined) once, when the connection is gone.
 */
export class SpdySession extends EventEmitter implements StreamTransport {
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly replyWaiters = new Map<number, (ok: boolean) => void>();
  private readonly idleTimer?: NodeJS.Timeout;
  private readonly maxStreams: number;
  private readonly writeStallMs: number;
  private writeStallTimer?: NodeJS.Timeout;
  private lastPeerStreamId = 0;
  private nextLocalStreamId: number;
  private nextPingId: number;
  private closed = false;
  private readonly gate: ReadGate;
  private corked = false;
  /** Frames are handled one after another (header blocks decompress asynchronously). */
  private inbound: Promise<void> = Promise.resolve();
  /** Frames leave in the order they were queued, so a SYN_REPLY precedes its stream's data. */
  private outbound: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Duplex,
    readonly role: SpdyRole,
    options: SpdySessionOptions = {},
  ) {
    super();
    this.nextLocalStreamId = role === 'client' ? 1 : 2;
    this.nextPingId = role === 'client' ? 1 : 2;
    this.maxStreams = options.maxConcurrentStreams ?? DEFAULT_MAX_STREAMS;
    this.writeStallMs = options.writeStallTimeoutMs ?? DEFAULT_WRITE_STALL_MS;
    this.gate = new ReadGate(socket);
    if (options.idleTimeoutMs) {
      this.idleTimer = setTimeout(() => this.destroy(new Error('connection idle timeout')), options.idleTimeoutMs);
    }
    socket.setMaxListeners(0); // every stream waiting for 'drain' listens once
    // Frames are small and interactive (keystrokes, statuses): no Nagle delay.
    (socket as Partial<Socket>).setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onBytes(chunk));
    socket.on('drain', () => this.onDrain());
    // Frames already read are still being handled (header blocks decode asynchronously): the
    // session ends after them, so a reply or FIN that arrived just before EOF is not lost.
    const endAfterInbound = (err?: Error) => {
      this.inbound.then(
        () => this.destroy(err),
        () => this.destroy(err),
      );
    };
    socket.on('end', () => endAfterInbound());
    socket.on('error', (err) => endAfterInbound(err));
    socket.on('close', () => endAfterInbound());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Client role: opens a stream; resolves once the peer replied, rejects if it was refused. */
  async openStream(headers: SpdyHeaders): Promise<SpdyStream> {
    if (this.closed) throw new Error('session closed');
    const id = this.nextLocalStreamId;
    this.nextLocalStreamId += 2;
    const stream = new SpdyStream(id, headers, this);
    this.streams.set(id, stream);
    const replied = new Promise<boolean>((resolve) => this.replyWaiters.set(id, resolve));
    this.writeFrame(async () => encodeSynStream(id, await this.compressor.compress(headers), false));
    if (!(await replied)) throw new Error(`stream ${headers.get('streamtype') ?? id} refused by the server`);
    return stream;
  }

  /** Server role: acknowledges a peer stream (SYN_REPLY with no headers). */
  accept(stream: SpdyStream): void {
    this.writeFrame(async () => encodeSynReply(stream.id, await this.compressor.compress(new Map()), false));
  }

  /** Refuses a peer stream. */
  reject(stream: SpdyStream): void {
    this.sendReset(stream.id, RstStatus.RefusedStream);
    this.streams.delete(stream.id);
  }

  ping(): void {
    const id = this.nextPingId;
    this.writeFrame(() => encodePing(id));
    this.nextPingId += 2;
  }

  /** Graceful end: GOAWAY, then close the socket once what was written is flushed. */
  close(): void {
    if (this.closed) return;
    const lastGood = this.lastPeerStreamId;
    this.writeFrame(() => encodeGoAway(lastGood, 0));
    this.outbound.then(
      () => this.destroy(),
      () => this.destroy(),
    );
  }

  /** Ends everything now; open streams are destroyed. */
  destroy(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    clearTimeout(this.writeStallTimer);
    for (const waiter of this.replyWaiters.values()) waiter(false);
    this.replyWaiters.clear();
    for (const stream of [...this.streams.values()]) stream.destroy();
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    if (err) {
      this.socket.destroy();
    } else {
      // A graceful end: what is queued (last output, status, GOAWAY) still reaches the peer; a
      // peer that never takes it is cut off after a while.
      if (!this.socket.writableEnded) this.socket.end();
      setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    }
    this.emit('close', err);
  }

  // StreamTransport

  sendData(streamId: number, data: Buffer, fin: boolean, done: (err?: Error | null) => void): void {
    if (this.closed) {
      done(new Error('session closed'));
      return;
    }
    this.writeFrame(() => encodeData(streamId, data, fin), done);
  }

  sendReset(streamId: number, status: RstStatus = RstStatus.Cancel): void {
    if (!this.closed) this.writeFrame(() => encodeRstStream(streamId, status));
  }

  forget(streamId: number): void {
    this.streams.delete(streamId);
  }

  pauseReading(): void {
    this.gate.streamFull = true;
    this.gate.update(this.closed);
  }

  resumeReading(): void {
    this.gate.streamFull = false;
    this.gate.update(this.closed);
  }

  /** Too much unsent: reading stops until the peer takes it, and we give up if it never does. */
  private afterWrite(): void {
    this.gate.update(this.closed);
    if (this.writeStallTimer || !this.gate.writesBacklogged) return;
    this.writeStallTimer = setTimeout(
      () => this.destroy(new Error(`peer took none of our output for ${this.writeStallMs / 1000}s`)),
      this.writeStallMs,
    );
  }

  private onDrain(): void {
    clearTimeout(this.writeStallTimer);
    this.writeStallTimer = undefined;
    this.gate.update(this.closed);
  }

  // Incoming

  private onBytes(chunk: Buffer): void {
    if (this.closed) return;
    this.touch();
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.failProtocol(err);
      return;
    }
    if (frames.length === 0) return;
    this.gate.inboundFrames += frames.length;
    this.gate.update(this.closed);
    // One link per chunk, not per frame: a chunk of 5,000 pings costs one promise, not 15,000.
    this.inbound = this.inbound
      .then(() => this.handleInOrder(frames))
      .catch((err) => this.failProtocol(err))
      .finally(() => {
        this.gate.inboundFrames -= frames.length;
        this.gate.update(this.closed);
      });
  }

  private async handleInOrder(frames: SpdyFrame[]): Promise<void> {
    for (const frame of frames) {
      if (this.closed) return;
      const pending = this.onFrame(frame);
      if (pending) await pending;
    }
  }

  /** A malformed peer: tell it why (GOAWAY with PROTOCOL_ERROR) and end the session. */
  private failProtocol(err: unknown): void {
    if (this.closed) return;
    const protocolError = err instanceof SpdyProtocolError ? err : new SpdyProtocolError(String(err));
    const lastGood = this.lastPeerStreamId;
    this.writeFrame(() => encodeGoAway(lastGood, 1));
    this.outbound.then(
      () => this.destroy(protocolError),
      () => this.destroy(protocolError),
    );
  }

  /** Only frames with a header block return a promise; the rest are handled at once. */
  private onFrame(frame: SpdyFrame): Promise<void> | void {
    switch (frame.kind) {
      case 'syn_stream':
        return this.onSynStream(frame.streamId, frame.fin, frame.headerBlock);
      case 'syn_reply':
        return this.onSynReply(frame.streamId, frame.fin, frame.headerBlock);
      case 'headers':
        return this.onHeaders(frame.streamId, frame.fin, frame.headerBlock);
      case 'data':
        return this.onData(frame.streamId, frame.data, frame.fin);
      case 'rst_stream':
        this.replyWaiters.get(frame.streamId)?.(false);
        this.replyWaiters.delete(frame.streamId);
        this.streams.get(frame.streamId)?.receiveReset();
        return;
      case 'ping':
        return this.onPing(frame.id);
      case 'goaway':
        return this.onGoAway();
      case 'ignored':
        return;
    }
  }

  private async onHeaders(streamId: number, fin: boolean, headerBlock: Buffer): Promise<void> {
    await this.decompressor.decompress(headerBlock); // keeps the zlib state in step; nothing here uses them
    if (fin) this.streams.get(streamId)?.receiveFin();
  }

  private async onSynStream(streamId: number, fin: boolean, headerBlock: Buffer): Promise<void> {
    const headers = await this.decompressor.decompress(headerBlock);
    if (this.closed) return;
    if (this.role === 'client') {
      this.sendReset(streamId, RstStatus.RefusedStream);
      return;
    }
    if (streamId % 2 !== 1 || streamId <= this.lastPeerStreamId) {
      throw new SpdyProtocolError(`stream id ${streamId} out of order`);
    }
    this.lastPeerStreamId = streamId;
    if (this.streams.size >= this.maxStreams) {
      this.sendReset(streamId, RstStatus.RefusedStream);
      return;
    }
    const stream = new SpdyStream(streamId, headers, this);
    this.streams.set(streamId, stream);
    if (fin) stream.receiveFin();
    this.emit('stream', stream);
  }

  private async onSynReply(streamId: number, fin: boolean, headerBlock: Buffer): Promise<void> {
    await this.decompressor.decompress(headerBlock);
    this.replyWaiters.get(streamId)?.(true);
    this.replyWaiters.delete(streamId);
    if (fin) this.streams.get(streamId)?.receiveFin();
  }

  private onData(streamId: number, data: Buffer, fin: boolean): void {
    const stream = this.streams.get(streamId);
    if (!stream) return; // a stream we already closed or reset: late frames are harmless
    stream.receive(data);
    if (fin) stream.receiveFin();
  }

  private onPing(id: number): void {
    const peerStarted = (id % 2 === 1) === (this.role === 'server');
    if (peerStarted) this.writeFrame(() => encodePing(id));
  }

  private onGoAway(): void {
    // The peer opens no more streams; the ones open finish normally. With none open, we are done.
    if (this.streams.size === 0) this.destroy();
  }

  /** Queues a frame; `done` runs once the socket took it (backpressure for stream writes). */
  private writeFrame(make: () => Buffer | Promise<Buffer>, done?: (err?: Error | null) => void): void {
    if (this.gate.outboundFrames === 0 && !this.closed && !this.socket.destroyed) {
      // Nothing queued ahead: a frame made synchronously (a ping answer, say) goes out now.
      let made: Buffer | Promise<Buffer>;
      try {
        made = make();
      } catch (err) {
        done?.(err as Error);
        this.destroy(err as Error);
        return;
      }
      if (Buffer.isBuffer(made)) this.send(made, done);
      else this.enqueue(() => made, done);
      return;
    }
    this.enqueue(make, done);
  }

  private enqueue(make: () => Buffer | Promise<Buffer>, done?: (err?: Error | null) => void): void {
    this.gate.outboundFrames++;
    this.outbound = this.outbound
      .then(async () => {
        if (this.closed || this.socket.destroyed) {
          done?.(new Error('session closed'));
          return;
        }
        this.send(await make(), done);
      })
      .catch((err: Error) => {
        done?.(err);
        this.destroy(err);
      })
      .finally(() => {
        // Counted until sent, so a frame made at once never overtakes one still being made.
        this.gate.outboundFrames--;
      });
  }

  private send(frame: Buffer, done?: (err?: Error | null) => void): void {
    this.touch();
    this.corkUntilTickEnds();
    const flushed = this.socket.write(frame);
    this.afterWrite();
    // Backpressure: the writer may go on while the socket buffers below its high-water mark.
    if (done && flushed) done();
    else if (done) this.socket.once('drain', () => done());
  }

  /** Frames written in one run of the queue leave in one syscall, not one per 12-byte ping. */
  private corkUntilTickEnds(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  private touch(): void {
    this.idleTimer?.refresh();
  }
}
