// The CNI plugins' own time, with no runtime around them: the bench's conflist (bridge + portmap,
// the binaries both runtimes run) executed as the CNI spec says, ADD then DEL in a network
// namespace made and removed here. It is the floor both runtimes' pod loops share.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { JsonObject, PluginConfig } from '../runtime/network/cni_config';
import type { NetworkFixture } from '../runtime/network/testing/fixture';

const PLUGIN_TIMEOUT_MS = 30_000;

interface Conflist {
  cniVersion: string;
  name: string;
  plugins: PluginConfig[];
}

export interface FloorTimes {
  addMs: number;
  delMs: number;
}

let serial = 0;

/** One pod's worth of plugin work: the chain's ADD, then its DEL (reverse order, the ADD result as prevResult). */
export async function cniFloorOnce(network: NetworkFixture, binDir: string): Promise<FloorTimes> {
  const list = await readConflist(network.confDir);
  const netns = await network.addNetns();
  const containerId = `floor${process.pid}x${serial++}`;
  try {
    const call = (command: 'ADD' | 'DEL', plugin: PluginConfig, prevResult?: JsonObject) =>
      runPlugin(path.join(binDir, plugin.type), { command, containerId, netns }, request(list, plugin, prevResult));
    let started = process.hrtime.bigint();
    let result: JsonObject | undefined;
    for (const plugin of list.plugins) result = await call('ADD', plugin, result);
    const addMs = Number(process.hrtime.bigint() - started) / 1e6;
    started = process.hrtime.bigint();
    for (const plugin of [...list.plugins].reverse()) await call('DEL', plugin, result);
    return { addMs, delMs: Number(process.hrtime.bigint() - started) / 1e6 };
  } finally {
    await network.deleteNetns(netns);
  }
}

/**
 * What the plugins left on the host after every DEL (none expected): the test network's NAT
 * rules, host-local reservations and veths still on the bridge.
 */
export async function cniLeftovers(network: NetworkFixture): Promise<string[]> {
  return [
    ...(await network.natRulesOfThisTest()),
    ...(await network.reservations()).map((ip) => `reservation ${ip}`),
    ...(await network.bridgePorts()),
  ];
}

async function readConflist(confDir: string): Promise<Conflist> {
  const [file] = (await fs.readdir(confDir)).filter((f) => f.endsWith('.conflist'));
  if (!file) throw new Error(`no conflist in ${confDir}`);
  return JSON.parse(await fs.readFile(path.join(confDir, file), 'utf8')) as Conflist;
}

/**
 * The spec's request: the plugin's config with the list's cniVersion and name, and the previous
 * result. No runtimeConfig: the bench's pods map no ports, so neither runtime passes any.
 */
function request(list: Conflist, plugin: PluginConfig, prevResult: JsonObject | undefined): JsonObject {
  const { capabilities: _capabilities, ...rest } = plugin;
  const out: JsonObject = { ...rest, cniVersion: list.cniVersion, name: list.name };
  if (prevResult) out.prevResult = prevResult;
  return out;
}

interface PluginCall {
  command: 'ADD' | 'DEL';
  containerId: string;
  netns: string;
}

async function runPlugin(binary: string, call: PluginCall, config: JsonObject): Promise<JsonObject | undefined> {
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: call.command,
    CNI_CONTAINERID: call.containerId,
    CNI_NETNS: call.netns,
    CNI_IFNAME: 'eth0',
    CNI_PATH: path.dirname(binary),
  };
  const stdout = await run(binary, [], JSON.stringify(config), env);
  return call.command === 'ADD' ? (JSON.parse(stdout) as JsonObject) : undefined;
}

function run(file: string, args: string[], stdin: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, timeout: PLUGIN_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${env?.CNI_COMMAND ?? ''} failed: ${stdout}${stderr}`));
      else resolve(stdout);
    });
    // A plugin may exit before reading its config: its exit status reports that, and an EPIPE
    // here must not end the bench before it removes what it started.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin);
  });
}
