// CNI network configuration: reading the conf dir (first file in lexical order), validating it, and
// wrapping a single-plugin .conf into a list, as libcni does.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError } from '../errors';
import { isSemver, selectVersion } from './cni_version';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One plugin entry of a list, passed to the plugin mostly unchanged. */
export type PluginConfig = JsonObject & { type: string };

export interface NetworkConfigList {
  name: string;
  /** The version corral speaks to this network's plugins (chosen from cniVersion/cniVersions). */
  cniVersion: string;
  disableCheck: boolean;
  plugins: PluginConfig[];
  /** Where it came from, for messages. */
  source: string;
}

const CONFIG_EXTENSIONS = ['.conflist', '.conf', '.json'];
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Files that may hold a network config, in the lexical order that picks the one in use. */
export async function configFiles(confDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(confDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => CONFIG_EXTENSIONS.includes(path.extname(n)))
    .sort()
    .map((n) => path.join(confDir, n));
}

/** The network config in use: the first config file by name; undefined when there is none. */
export async function loadFirstConfig(confDir: string): Promise<NetworkConfigList | undefined> {
  const [first] = await configFiles(confDir);
  if (!first) return undefined;
  const text = await fs.readFile(first, 'utf8').catch((err: Error) => {
    throw new FailedPreconditionError(`CNI config ${first}: cannot read: ${err.message}`);
  });
  return parseConfigText(text, first);
}

/** Parses a .conflist (or a .conf/.json holding one plugin) and checks what corral relies on. */
export function parseConfigText(text: string, source: string): NetworkConfigList {
  const fail = (why: string): never => {
    throw new FailedPreconditionError(`CNI config ${source}: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) return fail('must be a JSON object');
  const isList = source.endsWith('.conflist') || 'plugins' in raw;
  const list = isList ? raw : wrapSinglePlugin(raw);
  return validateList(list, source, fail);
}

function wrapSinglePlugin(conf: JsonObject): JsonObject {
  const list: JsonObject = { name: conf.name ?? null, cniVersion: conf.cniVersion ?? null, plugins: [conf] };
  if ('disableCheck' in conf) list.disableCheck = conf.disableCheck;
  return list;
}

function validateList(list: JsonObject, source: string, fail: (why: string) => never): NetworkConfigList {
  const { name, cniVersion, cniVersions, plugins, disableCheck } = list;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) fail('"name" must be a string of letters, digits, _ . -');
  if (typeof cniVersion !== 'string' || !isSemver(cniVersion)) fail('"cniVersion" must be a version like "1.0.0"');
  if (cniVersions !== undefined && (!Array.isArray(cniVersions) || cniVersions.some((v) => typeof v !== 'string'))) {
    fail('"cniVersions" must be a list of strings');
  }
  const declared = [cniVersion, ...((cniVersions ?? []) as string[])];
  const version = selectVersion(declared) ?? fail(`no supported CNI version among ${declared.join(', ')}`);
  if (!Array.isArray(plugins) || plugins.length === 0) fail('"plugins" must be a non-empty list');
  if (disableCheck !== undefined && typeof disableCheck !== 'boolean') fail('"disableCheck" must be true or false');
  plugins.forEach((p, i) => validatePlugin(p, i, fail));
  return {
    name: name,
    cniVersion: version,
    disableCheck: disableCheck === true,
    plugins: plugins as PluginConfig[],
    source,
  };
}

function validatePlugin(plugin: Json, index: number, fail: (why: string) => never): void {
  const where = `plugins[${index}]`;
  if (!isObject(plugin)) return fail(`${where} must be an object`);
  const { type, capabilities } = plugin;
  if (typeof type !== 'string' || type === '' || /[/\\]/.test(type) || type === '.' || type === '..') {
    fail(`${where}.type must name a plugin binary`);
  }
  if (capabilities !== undefined && !isObject(capabilities)) fail(`${where}.capabilities must be an object`);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
