// Test-only: a private CNI world per test — its own conf dir, cache, IPAM store, bridge name,
// subnet and network namespaces — and a cleanup that removes all of it and checks for leftovers.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { JsonObject } from '../cni_config';
import { HostTestLock } from './host_lock';

const run = promisify(execFile);

export const PLUGIN_DIRS = ['/opt/cni/bin', '/usr/lib/cni'];

export async function sh(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await run(cmd, args);
  return stdout;
}

export class NetworkFixture {
  readonly netnsNames: string[] = [];
  private readonly children: ChildProcess[] = [];

  private constructor(
    readonly root: string,
    readonly tag: string,
    readonly bridge: string,
    /** Third octet of the test's 10.250.x.0/24. */
    readonly octet: number,
    private readonly portmapChainsExisted: boolean,
  ) {}

  static async create(): Promise<NetworkFixture> {
    await HostTestLock.acquire();
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'corral-cni-'));
    const tag = randomBytes(3).toString('hex');
    const fixture = new NetworkFixture(root, tag, `crltest${tag}`, await freeOctet(), await portmapChainsExist());
    for (const dir of ['conf', 'cache', 'ipam']) await fs.mkdir(path.join(root, dir));
    return fixture;
  }

  get confDir(): string {
    return path.join(this.root, 'conf');
  }
  get cacheDir(): string {
    return path.join(this.root, 'cache');
  }
  get ipamDir(): string {
    return path.join(this.root, 'ipam');
  }
  get subnet(): string {
    return `10.250.${this.octet}.0/24`;
  }
  get gateway(): string {
    return `10.250.${this.octet}.1`;
  }
  get networkName(): string {
    return `crltest-${this.tag}`;
  }

  /** host-local over the test subnet (optionally a narrow range), its store in the test root. */
  ipam(rangeStart?: string, rangeEnd?: string): JsonObject {
    const range: JsonObject = { subnet: this.subnet };
    if (rangeStart) range.rangeStart = rangeStart;
    if (rangeEnd) range.rangeEnd = rangeEnd;
    return { type: 'host-local', ranges: [[range]], dataDir: this.ipamDir, routes: [{ dst: '0.0.0.0/0' }] };
  }

  bridgePlugin(ipam: JsonObject = this.ipam()): JsonObject {
    return { type: 'bridge', bridge: this.bridge, isGateway: true, ipMasq: true, hairpinMode: true, ipam };
  }

  async writeConflist(plugins: JsonObject[], file = '10-test.conflist', cniVersion = '1.0.0'): Promise<void> {
    const list = { cniVersion, name: this.networkName, plugins };
    await fs.writeFile(path.join(this.confDir, file), JSON.stringify(list, null, 2));
  }

  async addNetns(): Promise<string> {
    const name = `corral-test-${this.tag}-${this.netnsNames.length}`;
    await sh('ip', ['netns', 'add', name]);
    this.netnsNames.push(name);
    return `/run/netns/${name}`;
  }

  async deleteNetns(netnsPath: string): Promise<void> {
    const name = path.basename(netnsPath);
    await sh('ip', ['netns', 'del', name]);
    this.netnsNames.splice(this.netnsNames.indexOf(name), 1);
  }

  /** Runs a command inside a test netns and returns stdout. */
  async inNetns(netnsPath: string, args: string[]): Promise<string> {
    return sh('ip', ['netns', 'exec', path.basename(netnsPath), ...args]);
  }

  /** Starts a TCP echo-ish server in a netns: answers every connection with `reply`. Resolves when listening. */
  async tcpServer(netnsPath: string, port: number, reply: string): Promise<void> {
    const script = `require('net').createServer((s) => { s.end(${JSON.stringify(reply)}); }).listen(${port}, '0.0.0.0', () => console.log('ready'));`;
    const child = spawn('ip', ['netns', 'exec', path.basename(netnsPath), process.execPath, '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
    });
  }

  /** Every address in the kernel's view of a netns's eth0. */
  async addressesIn(netnsPath: string, ifName = 'eth0'): Promise<string[]> {
    const out = await this.inNetns(netnsPath, ['ip', '-j', 'addr', 'show', 'dev', ifName, 'scope', 'global']).catch(
      () => '[]',
    );
    const links = JSON.parse(out) as Array<{ addr_info: Array<{ local?: string }> }>;
    return links.flatMap((l) => l.addr_info.map((a) => a.local)).filter((a) => a !== undefined);
  }

  async linkExists(name: string): Promise<boolean> {
    return sh('ip', ['link', 'show', name]).then(
      () => true,
      () => false,
    );
  }

  /** The interfaces (pods' veths) still attached to the test's bridge. */
  async bridgePorts(): Promise<string[]> {
    const out = await sh('ip', ['-o', 'link', 'show', 'master', this.bridge]).catch(() => '');
    return out.split('\n').filter((line) => line.trim() !== '');
  }

  /** Host NAT rules that mention this test's subnet, bridge or network. */
  async natRulesOfThisTest(): Promise<string[]> {
    const rules = await sh('iptables-save', ['-t', 'nat']);
    const marks = [`10.250.${this.octet}.`, this.bridge, this.networkName];
    return rules.split('\n').filter((line) => marks.some((m) => line.includes(m)));
  }

  /** IPAM reservations still held in the test's host-local store. */
  async reservations(): Promise<string[]> {
    const dir = path.join(this.ipamDir, this.networkName);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    return names.filter((n) => /^\d+\.\d+\.\d+\.\d+$|:/.test(n));
  }

  async cleanup(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    for (const name of [...this.netnsNames]) await sh('ip', ['netns', 'del', name]).catch(() => undefined);
    if (await this.linkExists(this.bridge)) await sh('ip', ['link', 'del', this.bridge]);
    await removeNatRules(await this.natRulesOfThisTest());
    if (!this.portmapChainsExisted) await removeIdlePortmapChains();
    await fs.rm(this.root, { recursive: true, force: true });
    await HostTestLock.release();
  }
}

/** A 10.250.x.0/24 no route on this host uses yet. */
async function freeOctet(): Promise<number> {
  const routes = await sh('ip', ['-4', 'route', 'show', 'table', 'all']);
  for (;;) {
    const octet = 1 + (randomBytes(1)[0] % 250);
    if (!routes.includes(`10.250.${octet}.`)) return octet;
  }
}

async function portmapChainsExist(): Promise<boolean> {
  return sh('iptables', ['-t', 'nat', '-S', 'CNI-HOSTPORT-DNAT']).then(
    () => true,
    () => false,
  );
}

/**
 * portmap leaves its shared chains (and the jumps to them) after the last DEL. When a test made
 * them, and no mapping of anyone else is in them, the test takes them away again.
 */
async function removeIdlePortmapChains(): Promise<void> {
  const dnat = await sh('iptables', ['-t', 'nat', '-S', 'CNI-HOSTPORT-DNAT']).catch(() => '');
  if (dnat === '' || dnat.includes('-A CNI-HOSTPORT-DNAT')) return;
  const jumps: Array<[string, string[]]> = [
    ['PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']],
    ['OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']],
    ['POSTROUTING', ['-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ']],
  ];
  for (const [chain, rule] of jumps) await sh('iptables', ['-t', 'nat', '-D', chain, ...rule]).catch(() => undefined);
  for (const chain of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) {
    await sh('iptables', ['-t', 'nat', '-F', chain]).catch(() => undefined);
    await sh('iptables', ['-t', 'nat', '-X', chain]).catch(() => undefined);
  }
}

/** Deletes leftover rules (lines of iptables-save) of a failed test, so a failure leaves nothing behind. */
async function removeNatRules(lines: string[]): Promise<void> {
  for (const line of lines) {
    if (line.startsWith('-A '))
      await sh('iptables', ['-t', 'nat', ...splitRule(line.replace(/^-A /, '-D '))]).catch(() => undefined);
  }
  const chains = new Set(lines.flatMap((line) => line.match(/CNI-(?!HOSTPORT-)[A-Za-z0-9-]+/g) ?? []));
  for (const chain of chains) {
    await sh('iptables', ['-t', 'nat', '-F', chain]).catch(() => undefined);
    await sh('iptables', ['-t', 'nat', '-X', chain]).catch(() => undefined);
  }
}

function splitRule(rule: string): string[] {
  const parts = rule.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  return parts.map((part) => (part.startsWith('"') ? part.slice(1, -1).replace(/\\(.)/g, '$1') : part));
}
