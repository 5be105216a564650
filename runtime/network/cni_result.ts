// Reading a CNI result: the pod's IP addresses, from any result version corral speaks.
import { isObject, type Json, type JsonObject } from './cni_config';
import { atLeast } from './cni_version';

/**
 * The pod's addresses (no prefix length), IPv4 first as kubelet expects the primary to be.
 * Only addresses on interfaces inside the sandbox count; an address with no interface index
 * (a plugin that does not fill it in) counts too.
 */
export function podIpsFromResult(result: JsonObject | null | undefined, version: string): string[] {
  if (!result) return [];
  const cidrs = atLeast(version, '0.3.0') ? sandboxAddresses(result) : legacyAddresses(result);
  const ips = cidrs.map((cidr) => cidr.split('/')[0] ?? '').filter((ip) => ip !== '');
  const unique = [...new Set(ips)];
  return [...unique.filter((ip) => !ip.includes(':')), ...unique.filter((ip) => ip.includes(':'))];
}

function sandboxAddresses(result: JsonObject): string[] {
  const interfaces = Array.isArray(result.interfaces) ? result.interfaces : [];
  const ips = Array.isArray(result.ips) ? result.ips : [];
  return ips
    .filter(isObject)
    .filter((ip) => inSandbox(ip.interface, interfaces))
    .flatMap((ip) => (typeof ip.address === 'string' ? [ip.address] : []));
}

function inSandbox(index: Json | undefined, interfaces: Json[]): boolean {
  if (typeof index !== 'number') return true;
  const iface = interfaces[index];
  return isObject(iface) && typeof iface.sandbox === 'string' && iface.sandbox !== '';
}

/** Spec 0.1.0/0.2.0: { ip4: { ip: "10.1.0.2/24" }, ip6: { ip: "..." } }. */
function legacyAddresses(result: JsonObject): string[] {
  const out: string[] = [];
  for (const key of ['ip4', 'ip6']) {
    const block = result[key];
    if (isObject(block) && typeof block.ip === 'string') out.push(block.ip);
  }
  return out;
}
