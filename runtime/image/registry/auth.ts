// Registry authentication: WWW-Authenticate challenges, bearer tokens (anonymous, basic
// credentials, OAuth2 refresh token) and basic auth, from the CRI AuthConfig.
import { CorralError, FailedPreconditionError, UnavailableError } from '../../errors';
import { MAX_TOKEN_BYTES, causeText, discardBody, fetchWithin, readBody, type HttpTimeouts } from './bounded_http';

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** "user:pass" base64 (the `auth` field of a docker config). */
  auth?: string;
  identityToken?: string; // OAuth2 refresh token
  registryToken?: string; // a bearer token to send as is
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (one or more challenges) per RFC 7235. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const re =
    /\s*(?:([A-Za-z][\w!#$%&'*+.^`|~-]*)\s+(?=[\w!#$%&'*+.^`|~-]+\s*=)|([\w!#$%&'*+.^`|~-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)|([A-Za-z][\w!#$%&'*+.^`|~-]*)\s*(?:,|$))\s*,?/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < header.length && (match = re.exec(header)) !== null) {
    if (match[0] === '') break;
    if (match[1] || match[4]) {
      challenges.push({ scheme: (match[1] ?? match[4]).toLowerCase(), params: {} });
    } else if (match[2] && challenges.length > 0) {
      const raw = match[3];
      const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
      challenges[challenges.length - 1].params[match[2].toLowerCase()] = value;
    }
  }
  return challenges;
}

export function basicCredentials(creds: RegistryCredentials): string | undefined {
  if (creds.username !== undefined && creds.username !== '') {
    return Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64');
  }
  if (creds.auth) return creds.auth;
  return undefined;
}

/** How a token request is bounded: the registry's timeouts and the pull's deadline. */
export interface TokenRequestLimits {
  timeouts: HttpTimeouts;
  signal?: AbortSignal;
}

/** The Authorization header value that answers `challenge` for `scope`. */
export async function answerChallenge(
  challenge: Challenge,
  creds: RegistryCredentials,
  scope: string,
  host: string,
  limits: TokenRequestLimits,
): Promise<string> {
  if (challenge.scheme === 'basic') {
    const basic = basicCredentials(creds);
    if (!basic)
      throw new FailedPreconditionError(`registry ${host} requires credentials (basic auth) and none were given`);
    return `Basic ${basic}`;
  }
  if (challenge.scheme !== 'bearer')
    throw new FailedPreconditionError(`registry ${host}: unsupported auth scheme ${challenge.scheme}`);
  if (creds.registryToken) return `Bearer ${creds.registryToken}`;
  return `Bearer ${await fetchToken(challenge.params, creds, scope, host, limits)}`;
}

async function fetchToken(
  params: Record<string, string>,
  creds: RegistryCredentials,
  scope: string,
  host: string,
  limits: TokenRequestLimits,
): Promise<string> {
  if (!params.realm) throw new FailedPreconditionError(`registry ${host}: bearer challenge without realm`);
  const realm = new URL(params.realm);
  const wanted = params.scope ?? scope;
  const what = `registry ${host}: token server ${realm.origin}`;
  const request = creds.identityToken
    ? refreshTokenGrant(realm, params, wanted, creds.identityToken)
    : basicTokenGet(realm, params, wanted, creds);
  let res: Response;
  try {
    res = await fetchWithin(request.url, { ...request.init, signal: limits.signal }, limits.timeouts, what);
  } catch (err) {
    if (err instanceof CorralError || limits.signal?.aborted) throw err;
    throw new UnavailableError(`${what} unreachable: ${causeText(err)}`);
  }
  if (res.status === 401 || res.status === 403) {
    discardBody(res);
    throw new FailedPreconditionError(
      `registry ${host}: authentication failed at token server (HTTP ${res.status}): bad credentials?`,
    );
  }
  if (!res.ok) {
    discardBody(res);
    throw new UnavailableError(`${what} answered HTTP ${res.status}`);
  }
  const text = await readBody(res, {
    cap: MAX_TOKEN_BYTES,
    idleMs: limits.timeouts.bodyIdleMs,
    what: `${what}: token`,
  });
  const body = parseTokenBody(text);
  const token = body.token ?? body.access_token;
  if (!token) throw new FailedPreconditionError(`registry ${host}: token server returned no token`);
  return token;
}

function parseTokenBody(text: Buffer): { token?: string; access_token?: string } {
  try {
    const body: unknown = JSON.parse(text.toString('utf8'));
    return typeof body === 'object' && body !== null ? body : {};
  } catch {
    return {};
  }
}

interface TokenRequest {
  url: URL;
  init: RequestInit;
}

function basicTokenGet(
  realm: URL,
  params: Record<string, string>,
  scope: string,
  creds: RegistryCredentials,
): TokenRequest {
  const url = new URL(realm);
  if (params.service) url.searchParams.set('service', params.service);
  if (scope) url.searchParams.set('scope', scope);
  const basic = basicCredentials(creds);
  return { url, init: { headers: basic ? { Authorization: `Basic ${basic}` } : {} } };
}

function refreshTokenGrant(
  realm: URL,
  params: Record<string, string>,
  scope: string,
  refreshToken: string,
): TokenRequest {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'corral' });
  if (params.service) form.set('service', params.service);
  if (scope) form.set('scope', scope);
  return { url: realm, init: { method: 'POST', body: form } };
}
