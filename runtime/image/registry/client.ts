// An OCI distribution API client for one repository: manifests by tag or digest, blobs as
// streams. Tries each endpoint (mirrors first); answers 401 challenges once per endpoint.
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import {
  CorralError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  ResourceExhaustedError,
  UnavailableError,
} from '../../errors';
import { answerChallenge, parseChallenges, type RegistryCredentials } from './auth';
import {
  DEFAULT_HTTP_TIMEOUTS,
  MAX_ERROR_TEXT_BYTES,
  causeText,
  discardBody,
  fetchWithin,
  readBody,
  type HttpTimeouts,
} from './bounded_http';
import type { RegistryEndpoint } from './hosts';
import { MANIFEST_ACCEPT } from '../media_types';

/** containerd's limit: a manifest or index larger than this is refused before it is read. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  contentType: string;
}
export interface BlobStream {
  stream: Readable;
  size: number | undefined;
}

export class RegistryClient {
  private readonly authHeaders = new Map<string, string>(); // endpoint base → Authorization
  private readonly scope: string;

  constructor(
    private readonly endpoints: RegistryEndpoint[],
    private readonly repository: string, // "library/busybox"
    private readonly credentials: RegistryCredentials,
    private readonly display: string, // the reference, for errors
    private readonly timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS,
  ) {
    this.scope = `repository:${repository}:pull`;
  }

  /** Fetches a manifest or index; `reference` is a tag or a digest (then verified). */
  async getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    return this.onEachEndpoint(`manifests/${reference}`, { Accept: MANIFEST_ACCEPT }, signal, async (res, endpoint) => {
      const length = Number(res.headers.get('content-length') ?? NaN);
      if (length > MAX_MANIFEST_BYTES) {
        discardBody(res);
        throw tooLarge(this.display, length);
      }
      const bytes = await readBody(res, {
        cap: MAX_MANIFEST_BYTES,
        idleMs: this.timeouts.bodyIdleMs,
        what: `manifest of ${this.display} from ${endpoint.base}`,
      }).catch((err: Error) => {
        throw err instanceof ResourceExhaustedError ? tooLarge(this.display) : err;
      });
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      if (reference.startsWith('sha256:') && digest !== reference) {
        throw new InternalError(
          `manifest of ${this.display} from ${endpoint.base}: digest mismatch: want ${reference}, got ${digest}`,
        );
      }
      return { bytes, digest, contentType: res.headers.get('content-type') ?? '' };
    });
  }

  /** Opens a blob as a stream; the caller verifies size and digest while storing it. */
  async openBlob(digest: string, signal?: AbortSignal): Promise<BlobStream> {
    return this.onEachEndpoint(`blobs/${digest}`, {}, signal, async (res) => {
      if (!res.body) throw new InternalError(`blob ${digest} of ${this.display}: empty response`);
      const length = res.headers.get('content-length');
      return { stream: Readable.fromWeb(res.body as never), size: length === null ? undefined : Number(length) };
    });
  }

  private async onEachEndpoint<T>(
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    handle: (res: Response, endpoint: RegistryEndpoint) => Promise<T>,
  ): Promise<T> {
    const failures: CorralError[] = [];
    for (const endpoint of this.endpoints) {
      try {
        const res = await this.request(endpoint, `${endpoint.base}/v2/${this.repository}/${path}`, headers, signal);
        return await handle(res, endpoint);
      } catch (err) {
        if (signal?.aborted) throw err;
        const failure = err instanceof CorralError ? err : new InternalError(String(err));
        // Integrity and size failures are the content's fault, not the endpoint's: stop here.
        if (failure.kind === 'internal' || failure.kind === 'invalid_argument') throw failure;
        failures.push(failure);
      }
    }
    throw combine(failures);
  }

  /** One GET with the endpoint's cached auth; on 401 answers the challenge and retries once. */
  private async request(
    endpoint: RegistryEndpoint,
    url: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    let res = await this.get(endpoint, url, headers, signal);
    if (res.status === 401) {
      const challenge = parseChallenges(res.headers.get('www-authenticate') ?? '')[0];
      discardBody(res);
      if (!challenge)
        throw new FailedPreconditionError(`${endpoint.base}: unauthorized without a challenge (${this.display})`);
      this.authHeaders.set(
        endpoint.base,
        await answerChallenge(challenge, this.credentials, this.scope, endpoint.base, {
          timeouts: this.timeouts,
          signal,
        }),
      );
      res = await this.get(endpoint, url, headers, signal);
      if (res.status === 401 || res.status === 403) {
        discardBody(res);
        throw new FailedPreconditionError(
          `pulling ${this.display} from ${endpoint.base}: unauthorized (HTTP ${res.status}): bad or missing credentials`,
        );
      }
    }
    if (res.status === 404) {
      discardBody(res);
      throw new NotFoundError(`${this.display}: not found at ${endpoint.base}`);
    }
    if (!res.ok) {
      const text = await readBody(res, {
        cap: MAX_ERROR_TEXT_BYTES,
        idleMs: this.timeouts.bodyIdleMs,
        what: `error from ${endpoint.base}`,
        overflow: 'truncate',
      })
        .then((b) => b.toString('utf8').slice(0, 300))
        .catch(() => '');
      throw new UnavailableError(`${this.display}: ${endpoint.base} answered HTTP ${res.status} ${text}`.trim());
    }
    return res;
  }

  private async get(
    endpoint: RegistryEndpoint,
    url: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    const auth = this.authHeaders.get(endpoint.base);
    try {
      const init = {
        headers: auth ? { ...headers, Authorization: auth } : headers,
        signal,
        redirect: 'follow' as const,
      };
      return await fetchWithin(url, init, this.timeouts, `registry ${endpoint.base}`);
    } catch (err) {
      if (signal?.aborted || err instanceof CorralError) throw err;
      throw unreachable(endpoint.base, causeText(err));
    }
  }
}

/**
 * A registry that cannot be reached: a host name that does not resolve is NOT_FOUND, any other
 * failure FAILED_PRECONDITION; never UNAVAILABLE, which clients read as corrald itself being down.
 */
function unreachable(base: string, cause: string): CorralError {
  const message = `registry ${base} unreachable: ${cause}`;
  return cause === 'ENOTFOUND' ? new NotFoundError(message) : new FailedPreconditionError(message);
}

function tooLarge(what: string, size?: number): InvalidArgumentError {
  const got = size === undefined ? 'more than' : `${size} bytes >`;
  return new InvalidArgumentError(`manifest of ${what} is too large (${got} ${MAX_MANIFEST_BYTES})`);
}

/** One error from several endpoint failures: not found only when every endpoint said so. */
function combine(failures: CorralError[]): CorralError {
  if (failures.length === 1) return failures[0];
  const message = failures.map((f) => f.message).join('; ');
  if (failures.every((f) => f.kind === 'not_found')) return new NotFoundError(message);
  const auth = failures.find((f) => f.kind === 'failed_precondition');
  if (auth) return new FailedPreconditionError(message);
  return new UnavailableError(message);
}
