// Streaming requests waiting for their client: each is stored under a random single-use token
// that expires, so a URL handed out by Exec/Attach/PortForward works once and only briefly.
import { randomBytes } from 'node:crypto';
import { ResourceExhaustedError } from '../../runtime/errors';
import type { ExecOptions, StdioOptions } from '../../runtime/streaming/contract';

export type StreamingRequest =
  | { kind: 'exec'; containerId: string; options: ExecOptions }
  | { kind: 'attach'; containerId: string; options: StdioOptions }
  | { kind: 'portforward'; podSandboxId: string; ports: number[] };

export const DEFAULT_TOKEN_TTL_MS = 60_000;
/** As kubelet's: a flood of Exec calls whose URLs are never used cannot grow the cache without end. */
const MAX_IN_FLIGHT = 1000;

interface Entry {
  request: StreamingRequest;
  expiresAt: number;
}

export class RequestCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = DEFAULT_TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  insert(request: StreamingRequest): string {
    this.dropExpired();
    if (this.entries.size >= MAX_IN_FLIGHT) {
      throw new ResourceExhaustedError(`too many streaming requests in flight (${MAX_IN_FLIGHT})`);
    }
    const token = randomBytes(16).toString('base64url');
    this.entries.set(token, { request, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The request for `token`, removed so it cannot be used again; undefined if unknown or expired. */
  consume(token: string): StreamingRequest | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    return entry.expiresAt > this.now() ? entry.request : undefined;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [token, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(token);
    }
  }
}
