// The client side of a remote command, whichever transport carries it (SPDY streams or
// WebSocket channels): what the exec/attach glue reads from and writes to.
import type { Readable, Writable } from 'node:stream';
import type { TerminalSize } from '../../runtime/streaming/contract';
import type { CommandOutcome } from './exec_status';

export interface RemoteCommandChannels {
  /** What the client types; ends when the client half-closes stdin. */
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** Calls `listener` for every terminal size the client sends. */
  onResize(listener: (size: TerminalSize) => void): void;
  /** Reports how the command ended on the error channel. */
  writeOutcome(outcome: CommandOutcome): Promise<void>;
  /** Ends the connection once everything written so far is sent. */
  close(): void;
  /** Resolves when the connection is gone, with the reason when it broke. */
  readonly closed: Promise<Error | undefined>;
}
