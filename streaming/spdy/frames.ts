// SPDY/3 frames (draft 3, section 2.2): the binary layout, a reader that cuts a byte stream
// into frames with size limits, and encoders. Flow control (SPDY/3.1's WINDOW_UPDATE) is read
// and ignored: Kubernetes' spdystream peers never send window updates and never wait for them.

export const SPDY_VERSION = 3;

export enum ControlType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes used here. */
export enum RstStatus {
  ProtocolError = 1,
  InvalidStream = 2,
  RefusedStream = 3,
  Cancel = 5,
  InternalError = 6,
}

/** Limits a peer cannot exceed: a control frame carries headers only, data frames come in copy-buffer sizes. */
export const MAX_CONTROL_FRAME_BYTES = 16 * 1024;
export const MAX_DATA_FRAME_BYTES = 1024 * 1024;

export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

export type SpdyFrame =
  | { kind: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { kind: 'syn_stream'; streamId: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { kind: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { kind: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { kind: 'rst_stream'; streamId: number; status: number }
  | { kind: 'ping'; id: number }
  | { kind: 'goaway'; lastGoodStreamId: number; status: number }
  | { kind: 'ignored'; type: number };

const HEADER_BYTES = 8;
const STREAM_ID_MASK = 0x7fffffff;

/** Accumulates bytes and yields whole frames; throws SpdyProtocolError on anything malformed. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: SpdyFrame[] = [];
    for (;;) {
      if (this.pending.length < HEADER_BYTES) break;
      const length = this.pending.readUInt32BE(4) & 0xffffff;
      checkLength(this.pending, length);
      if (this.pending.length < HEADER_BYTES + length) break;
      const frame = this.pending.subarray(0, HEADER_BYTES + length);
      this.pending = this.pending.subarray(HEADER_BYTES + length);
      frames.push(parseFrame(frame));
    }
    return frames;
  }
}

function checkLength(head: Buffer, length: number): void {
  const control = (head[0] & 0x80) !== 0;
  const limit = control ? MAX_CONTROL_FRAME_BYTES : MAX_DATA_FRAME_BYTES;
  if (length > limit)
    throw new SpdyProtocolError(`${control ? 'control' : 'data'} frame of ${length} bytes exceeds ${limit}`);
}

function parseFrame(frame: Buffer): SpdyFrame {
  const flags = frame[4];
  const body = frame.subarray(HEADER_BYTES);
  if ((frame[0] & 0x80) === 0) {
    const streamId = frame.readUInt32BE(0) & STREAM_ID_MASK;
    if (streamId === 0) throw new SpdyProtocolError('data frame on stream 0');
    return { kind: 'data', streamId, fin: (flags & FLAG_FIN) !== 0, data: Buffer.from(body) };
  }
  const version = frame.readUInt16BE(0) & 0x7fff;
  if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  return parseControl(frame.readUInt16BE(2), flags, body);
}

function parseControl(type: number, flags: number, body: Buffer): SpdyFrame {
  const need = (n: number) => {
    if (body.length < n) throw new SpdyProtocolError(`control frame type ${type} too short`);
  };
  const fin = (flags & FLAG_FIN) !== 0;
  // The wire value may be no ControlType member at all: those fall to default.
  switch (type as ControlType) {
    case ControlType.SynStream:
      need(10);
      return {
        kind: 'syn_stream',
        streamId: streamIdAt(body, 0),
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: Buffer.from(body.subarray(10)),
      };
    case ControlType.SynReply:
      need(4);
      return { kind: 'syn_reply', streamId: streamIdAt(body, 0), fin, headerBlock: Buffer.from(body.subarray(4)) };
    case ControlType.Headers:
      need(4);
      return { kind: 'headers', streamId: streamIdAt(body, 0), fin, headerBlock: Buffer.from(body.subarray(4)) };
    case ControlType.RstStream:
      need(8);
      return { kind: 'rst_stream', streamId: streamIdAt(body, 0), status: body.readUInt32BE(4) };
    case ControlType.Ping:
      need(4);
      return { kind: 'ping', id: body.readUInt32BE(0) };
    case ControlType.GoAway:
      need(8);
      return { kind: 'goaway', lastGoodStreamId: body.readUInt32BE(0) & STREAM_ID_MASK, status: body.readUInt32BE(4) };
    case ControlType.Settings:
    case ControlType.WindowUpdate:
    default:
      // SETTINGS, WINDOW_UPDATE and unknown types: nothing here depends on them.
      return { kind: 'ignored', type };
  }
}

function streamIdAt(body: Buffer, offset: number): number {
  const id = body.readUInt32BE(offset) & STREAM_ID_MASK;
  if (id === 0) throw new SpdyProtocolError('stream id 0 in a stream frame');
  return id;
}

export function encodeData(streamId: number, data: Buffer, fin: boolean): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  head.writeUInt32BE((((fin ? FLAG_FIN : 0) << 24) | data.length) >>> 0, 4);
  return data.length === 0 ? head : Buffer.concat([head, data]);
}

function encodeControl(type: ControlType, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
  return Buffer.concat([head, body]);
}

export function encodeSynStream(streamId: number, headerBlock: Buffer, fin: boolean): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId, 0);
  return encodeControl(ControlType.SynStream, fin ? FLAG_FIN : 0, Buffer.concat([fixed, headerBlock]));
}

export function encodeSynReply(streamId: number, headerBlock: Buffer, fin: boolean): Buffer {
  return encodeControl(ControlType.SynReply, fin ? FLAG_FIN : 0, Buffer.concat([uint32(streamId), headerBlock]));
}

export function encodeRstStream(streamId: number, status: RstStatus): Buffer {
  return encodeControl(ControlType.RstStream, 0, Buffer.concat([uint32(streamId), uint32(status)]));
}

export function encodePing(id: number): Buffer {
  return encodeControl(ControlType.Ping, 0, uint32(id));
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  return encodeControl(ControlType.GoAway, 0, Buffer.concat([uint32(lastGoodStreamId), uint32(status)]));
}

export function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}
