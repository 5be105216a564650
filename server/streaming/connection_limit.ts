// Bounds what any local user can make the streaming server hold: at most `max` sockets at once,
// and a socket that has not sent a complete request within `requestTimeoutMs` is closed. At the
// cap, the oldest socket still waiting for its request makes room for the new one; when every
// socket is a live session, the new one is refused. Node's own header timeout only starts with
// the first byte, so a silent socket would otherwise stay forever.
import type { Socket } from 'node:net';

export interface ConnectionLimitSettings {
  maxConnections: number;
  requestTimeoutMs: number;
}

export class ConnectionLimit {
  /** Sockets without a complete request yet, oldest first (a Map keeps insertion order). */
  private readonly waiting = new Map<Socket, NodeJS.Timeout>();
  private readonly all = new Set<Socket>();
  private refusedCount = 0;

  constructor(private readonly settings: ConnectionLimitSettings) {}

  /** Sockets open now (for tests and logs). */
  get open(): number {
    return this.all.size;
  }

  /** Connections refused or cut at the cap since start. */
  get refused(): number {
    return this.refusedCount;
  }

  /** A new socket: admitted (and timed) or destroyed at once. */
  admit(socket: Socket): void {
    if (this.all.size >= this.settings.maxConnections && !this.evictOldestWaiting()) {
      this.refusedCount++;
      socket.destroy();
      return;
    }
    this.all.add(socket);
    const timer = setTimeout(() => socket.destroy(), this.settings.requestTimeoutMs);
    timer.unref();
    this.waiting.set(socket, timer);
    socket.once('close', () => {
      this.requestSeen(socket);
      this.all.delete(socket);
    });
  }

  /** The socket sent a complete request: from here its session's own timeouts apply. */
  requestSeen(socket: Socket): void {
    const timer = this.waiting.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.waiting.delete(socket);
  }

  private evictOldestWaiting(): boolean {
    const oldest = this.waiting.keys().next();
    if (oldest.done) return false;
    this.refusedCount++;
    this.requestSeen(oldest.value);
    this.all.delete(oldest.value);
    oldest.value.destroy();
    return true;
  }
}

/** Fds kept for everything but streaming: the gRPC socket and its clients, monitors, stores. */
export const FD_RESERVE = 1024;
/** Fds one streaming session may hold: its socket, and the exec's stdio and status pipes. */
const FDS_PER_SESSION = 6;

/** The connection cap: the configured one, lowered so sessions can never eat the fd reserve. */
export function connectionCap(configured: number, openFileLimit: number): number {
  return Math.max(1, Math.min(configured, Math.floor((openFileLimit - FD_RESERVE) / FDS_PER_SESSION)));
}
