// Registry authentication: WWW-Authenticate challenges, bearer tokens (anonymous, basic
// credentials, OAuth2 refresh token) and basic auth, from the CRI AuthConfig.
import { FailedPreconditionError, UnavailableError } from '../../errors';

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

/** The Authorization header value that answers `challenge` for `scope`. */
export async function answerChallenge(
  challenge: Challenge,
  creds: RegistryCredentials,
  scope: string,
  host: string,
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
  return `Bearer ${await fetchToken(challenge.params, creds, scope, host)}`;
}

async function fetchToken(
  params: Record<string, string>,
  creds: RegistryCredentials,
  scope: string,
  host: string,
): Promise<string> {
  if (!params.realm) throw new FailedPreconditionError(`registry ${host}: bearer challenge without realm`);
  const realm = new URL(params.realm);
  const wanted = params.scope ?? scope;
  let res: Response;
  try {
    res = creds.identityToken
      ? await refreshTokenGrant(realm, params, wanted, creds.identityToken)
      : await basicTokenGet(realm, params, wanted, creds);
  } catch (err) {
    throw new UnavailableError(`registry ${host}: token server ${realm.origin} unreachable: ${causeText(err)}`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new FailedPreconditionError(
      `registry ${host}: authentication failed at token server (HTTP ${res.status}): bad credentials?`,
    );
  }
  if (!res.ok) throw new UnavailableError(`registry ${host}: token server answered HTTP ${res.status}`);
  const body = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new FailedPreconditionError(`registry ${host}: token server returned no token`);
  return token;
}

function basicTokenGet(
  realm: URL,
  params: Record<string, string>,
  scope: string,
  creds: RegistryCredentials,
): Promise<Response> {
  const url = new URL(realm);
  if (params.service) url.searchParams.set('service', params.service);
  if (scope) url.searchParams.set('scope', scope);
  const basic = basicCredentials(creds);
  return fetch(url, { headers: basic ? { Authorization: `Basic ${basic}` } : {} });
}

function refreshTokenGrant(
  realm: URL,
  params: Record<string, string>,
  scope: string,
  refreshToken: string,
): Promise<Response> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'corral' });
  if (params.service) form.set('service', params.service);
  if (scope) form.set('scope', scope);
  return fetch(realm, { method: 'POST', body: form });
}

export function causeText(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
