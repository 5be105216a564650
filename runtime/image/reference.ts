// Image references normalised the way Docker and containerd do:
//   busybox            → docker.io/library/busybox:latest
//   me/app:v1          → docker.io/me/app:v1
//   host:5000/a/b@sha256:… → host:5000/a/b@sha256:… (a digest wins over a tag)
import { InvalidArgumentError } from '../errors';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';

export interface ImageReference {
  domain: string; // "docker.io", "registry.k8s.io", "127.0.0.1:5000"
  path: string; // "library/busybox"
  tag?: string; // set when no digest was given ("latest" by default)
  digest?: string; // "sha256:<64 hex>"
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
export const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function parseReference(input: string): ImageReference {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`invalid image reference ${JSON.stringify(input)}: ${why}`);
  };
  if (!input || input.length > 4096) bad('empty or too long');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad('digest must be sha256:<64 lowercase hex>');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) bad('invalid tag');
  }
  const { domain, path } = splitDomain(rest);
  if (!DOMAIN.test(domain)) bad('invalid registry host');
  const port = /:(\d+)$/.exec(domain)?.[1];
  if (port !== undefined && (port.length > 5 || Number(port) < 1 || Number(port) > 65535))
    bad('registry port outside 1-65535');
  if (!path || path.split('/').some((c) => !PATH_COMPONENT.test(c)))
    bad('repository must be lowercase [a-z0-9._-] components');
  if (digest) return { domain, path, digest };
  return { domain, path, tag: tag ?? 'latest' };
}

/** Docker's rule: the first component is a host if it has "." or ":", is "localhost", or has capitals. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  let domain = DEFAULT_DOMAIN;
  let path = name;
  if (slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    domain = first;
    path = name.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  return { domain, path };
}

/** "docker.io/library/busybox" */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The normalised string: name:tag or name@digest. */
export function formatReference(ref: ImageReference): string {
  return ref.digest ? `${repositoryName(ref)}@${ref.digest}` : `${repositoryName(ref)}:${ref.tag}`;
}
