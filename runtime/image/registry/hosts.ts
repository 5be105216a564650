// Which endpoints serve a registry host: configured mirrors first (containerd hosts.toml's idea),
// then the host itself, over https unless it is loopback or listed as insecure.
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../../errors';

export interface RegistryHostsConfig {
  /** host → mirror endpoint URLs, tried in order; "*" applies to hosts without their own entry. */
  mirrors: Record<string, { endpoints: string[] }>;
  /** hosts (host[:port]) reached over plain http. */
  insecure: string[];
}

export interface RegistryEndpoint {
  base: string; // "https://registry-1.docker.io", "http://127.0.0.1:5000/prefix"
  mirror: boolean;
}

const DOCKER_HUB_API = 'https://registry-1.docker.io';

export function endpointsFor(domain: string, config: RegistryHostsConfig): RegistryEndpoint[] {
  const mirrors = config.mirrors[domain]?.endpoints ?? config.mirrors['*']?.endpoints ?? [];
  const list = mirrors.map((url) => ({ base: normaliseEndpoint(url, config), mirror: true }));
  list.push({ base: upstreamBase(domain, config), mirror: false });
  return list;
}

function upstreamBase(domain: string, config: RegistryHostsConfig): string {
  if (domain === 'docker.io') return DOCKER_HUB_API;
  return `${plainHttpAllowed(domain, config) ? 'http' : 'https'}://${domain}`;
}

/** "host:port" or "scheme://host[:port][/path]" → a base URL without trailing slash or /v2. */
function normaliseEndpoint(url: string, config: RegistryHostsConfig): string {
  const withScheme = /^[a-z]+:\/\//.test(url) ? url : `${plainHttpAllowed(url, config) ? 'http' : 'https'}://${url}`;
  const parsed = new URL(withScheme);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(`registry endpoint ${url}: scheme must be http or https`);
  }
  return withScheme.replace(/\/+$/, '').replace(/\/v2$/, '');
}

/** Loopback registries may use http without configuration, as Docker allows. */
export function plainHttpAllowed(host: string, config: RegistryHostsConfig): boolean {
  const hostname = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (isLoopbackLiteral(hostname)) return true;
  return config.insecure.includes(host) || config.insecure.includes(hostname);
}

/** Only the literal addresses 127.0.0.0/8 and ::1, and the name `localhost`: "127.evil.example"
 *  is a name anyone can point anywhere, so it gets TLS like any other. */
function isLoopbackLiteral(hostname: string): boolean {
  if (hostname.toLowerCase() === 'localhost') return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.');
  return isIP(hostname) === 6 && new URL(`http://[${hostname}]/`).hostname === '[::1]';
}

/**
 * Validates the TOML table `[registry.mirrors."host"] endpoints = [...]` (containerd's older CRI
 * config spelled it `endpoint`; both are accepted).
 */
export function checkMirrorsTable(value: unknown, key: string): RegistryHostsConfig['mirrors'] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${key} must be a table`);
  const out: RegistryHostsConfig['mirrors'] = {};
  for (const [host, entry] of Object.entries(value as Record<string, unknown>)) {
    const table = (entry ?? {}) as { endpoints?: unknown; endpoint?: unknown };
    const unknown = Object.keys(table).filter((k) => k !== 'endpoints' && k !== 'endpoint');
    if (unknown.length > 0) throw new Error(`${key}."${host}": unknown key ${unknown[0]}`);
    const endpoints = table.endpoints ?? table.endpoint;
    if (!Array.isArray(endpoints) || endpoints.some((e) => typeof e !== 'string' || !e)) {
      throw new Error(`${key}."${host}".endpoints must be a list of URLs`);
    }
    for (const e of endpoints as string[]) {
      try {
        new URL(/^[a-z]+:\/\//.test(e) ? e : `https://${e}`);
      } catch {
        throw new Error(`${key}."${host}": bad endpoint ${e}`);
      }
    }
    out[host] = { endpoints: [...(endpoints as string[])] };
  }
  return out;
}

/** Parses a `--registry-mirror HOST=URL` flag value and adds it before the configured mirrors. */
export function addMirrorFlag(config: RegistryHostsConfig, flag: string): RegistryHostsConfig {
  const eq = flag.indexOf('=');
  if (eq <= 0 || eq === flag.length - 1)
    throw new InvalidArgumentError(`--registry-mirror wants HOST=URL, got ${JSON.stringify(flag)}`);
  const host = flag.slice(0, eq);
  const url = flag.slice(eq + 1);
  checkMirrorsTable({ [host]: { endpoints: [url] } }, '--registry-mirror');
  const existing = config.mirrors[host]?.endpoints ?? [];
  return {
    ...config,
    mirrors: { ...config.mirrors, [host]: { endpoints: [url, ...existing.filter((e) => e !== url)] } },
  };
}
