// Exec/attach over SPDY: the client opens one stream per channel, named by its streamType
// header; we reply to each and start once every expected stream is there.
import type { StdioOptions, TerminalSize } from '../../runtime/streaming/contract';
import type { RemoteCommandChannels } from './channels';
import { encodeOutcome, type CommandOutcome } from './exec_status';
import { ResizeDecoder } from './resize_decoder';
import { SPDY_REMOTE_COMMAND_PROTOCOLS, supportsResize } from '../../streaming/protocols';
import type { SpdySession } from '../../streaming/spdy/session';
import type { SpdyStream } from '../../streaming/spdy/stream';
import { upgradeToSpdy, type UpgradeRequest } from './spdy_upgrade';

export type ChannelName = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';
const CHANNEL_NAMES: readonly string[] = ['error', 'stdin', 'stdout', 'stderr', 'resize'];

export interface ChannelTimeouts {
  idleTimeoutMs: number;
  streamCreationTimeoutMs: number;
  writeStallTimeoutMs?: number;
}

/** Upgrades and waits for the streams; undefined when the upgrade or the stream set failed. */
export async function openSpdyChannels(
  up: UpgradeRequest,
  options: StdioOptions,
  timeouts: ChannelTimeouts,
): Promise<RemoteCommandChannels | undefined> {
  const upgraded = upgradeToSpdy(up, SPDY_REMOTE_COMMAND_PROTOCOLS, {
    idleTimeoutMs: timeouts.idleTimeoutMs,
    writeStallTimeoutMs: timeouts.writeStallTimeoutMs,
  });
  if (!upgraded) return undefined;
  const { session, protocol } = upgraded;
  const closed = new Promise<Error | undefined>((resolve) => session.once('close', resolve));
  const expected = expectedChannels(options, protocol);
  const streams = await collectStreams(session, expected, timeouts.streamCreationTimeoutMs);
  if (!streams) return undefined;
  return new SpdyChannels(session, protocol, streams, closed);
}

/** kubelet's count: the error stream always, each stdio asked for, resize with a tty from v3 on. */
export function expectedChannels(options: StdioOptions, protocol: string): Set<ChannelName> {
  const names = new Set<ChannelName>(['error']);
  if (options.stdin) names.add('stdin');
  if (options.stdout) names.add('stdout');
  if (options.stderr && !options.tty) names.add('stderr');
  if (options.tty && supportsResize(protocol)) names.add('resize');
  return names;
}

function collectStreams(
  session: SpdySession,
  expected: Set<ChannelName>,
  timeoutMs: number,
): Promise<Map<ChannelName, SpdyStream> | undefined> {
  return new Promise((resolve) => {
    const streams = new Map<ChannelName, SpdyStream>();
    const timer = setTimeout(() => finish(new Error('timed out waiting for client to create streams')), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      session.off('stream', onStream);
      session.off('close', onClose);
      if (err) {
        session.destroy(err);
        resolve(undefined);
      } else resolve(streams);
    };
    const onClose = () => finish(new Error('connection closed before all streams were created'));
    const onStream = (stream: SpdyStream) => {
      const name = stream.header('streamtype') ?? '';
      if (!CHANNEL_NAMES.includes(name)) {
        session.reject(stream);
        finish(new Error(`unexpected stream type ${JSON.stringify(name)}`));
        return;
      }
      if (streams.has(name as ChannelName)) {
        session.reject(stream);
        finish(new Error(`duplicate ${name} stream`));
        return;
      }
      session.accept(stream);
      streams.set(name as ChannelName, stream);
      if ([...expected].every((n) => streams.has(n))) finish();
    };
    session.on('stream', onStream);
    session.once('close', onClose);
  });
}

class SpdyChannels implements RemoteCommandChannels {
  readonly stdin?: SpdyStream;
  readonly stdout?: SpdyStream;
  readonly stderr?: SpdyStream;
  private readonly errorStream?: SpdyStream;
  private readonly resizeStream?: SpdyStream;

  constructor(
    private readonly session: SpdySession,
    private readonly protocol: string,
    streams: Map<ChannelName, SpdyStream>,
    readonly closed: Promise<Error | undefined>,
  ) {
    this.stdin = streams.get('stdin');
    this.stdout = streams.get('stdout');
    this.stderr = streams.get('stderr');
    this.errorStream = streams.get('error');
    this.resizeStream = streams.get('resize');
    for (const stream of streams.values())
      stream.on('error', () => {
        /* the session's close reports it */
      });
    // Streams the client only reads from: drain whatever it sends so the session never pauses.
    for (const stream of [this.stdout, this.stderr, this.errorStream]) stream?.resume();
  }

  onResize(listener: (size: TerminalSize) => void): void {
    const stream = this.resizeStream;
    if (!stream) return;
    const decoder = new ResizeDecoder();
    stream.on('data', (chunk: Buffer) => {
      try {
        for (const size of decoder.push(chunk)) listener(size);
      } catch (err) {
        this.session.destroy(err as Error);
      }
    });
  }

  async writeOutcome(outcome: CommandOutcome): Promise<void> {
    const stream = this.errorStream;
    if (!stream || this.session.isClosed) return;
    const bytes = encodeOutcome(outcome, this.protocol);
    await new Promise<void>((resolve) => {
      stream.once('error', () => resolve());
      if (bytes) stream.write(bytes);
      stream.end(() => resolve());
    });
  }

  close(): void {
    this.session.close();
  }
}
