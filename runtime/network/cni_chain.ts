// Running a network config list for one attachment, per the spec: ADD in order with each result
// chained into the next plugin's prevResult; DEL in reverse order with the cached ADD result;
// CHECK in order with the cached ADD result.
import type { JsonObject, NetworkConfigList, PluginConfig } from './cni_config';
import { runtimeConfigFor, type CapabilityArgs } from './capability_args';
import { invokePlugin, type CniCommand } from './cni_exec';
import { requirePlugin } from './cni_plugin_path';
import { atLeast } from './cni_version';

/** Everything that must be the same for an attachment's ADD, CHECK and DEL. */
export interface Attachment {
  network: NetworkConfigList;
  containerId: string;
  ifName: string;
  /** CNI_ARGS: "K=V;K=V". */
  args: string;
  capabilityArgs: CapabilityArgs;
}

export interface PluginEnvironment {
  binDirs: readonly string[];
  timeoutMs: number;
}

/** Counts the plugins ADD has started, so undoing a failed ADD DELs only those. */
export interface AddProgress {
  started: number;
}

export async function addNetworkList(
  att: Attachment,
  netns: string,
  env: PluginEnvironment,
  progress: AddProgress = { started: 0 },
): Promise<JsonObject> {
  let previous: JsonObject | undefined;
  for (const plugin of att.network.plugins) {
    const binary = await requirePlugin(plugin.type, env.binDirs);
    progress.started++;
    const result = await runPlugin('ADD', att, plugin, previous, netns, env, binary);
    previous = result ?? previous;
  }
  return previous ?? { cniVersion: att.network.cniVersion };
}

/**
 * `cached` is the ADD result when known; spec versions before 0.4.0 do not take it.
 * `pluginCount` limits DEL to the first plugins (those a failed ADD got to).
 */
export async function delNetworkList(
  att: Attachment,
  cached: JsonObject | undefined,
  netns: string,
  env: PluginEnvironment,
  pluginCount = att.network.plugins.length,
): Promise<void> {
  const prevResult = atLeast(att.network.cniVersion, '0.4.0') ? cached : undefined;
  for (const plugin of att.network.plugins.slice(0, pluginCount).reverse()) {
    await runPlugin('DEL', att, plugin, prevResult, netns, env);
  }
}

/** CHECK exists from 0.4.0; a list may opt out with disableCheck. */
export async function checkNetworkList(
  att: Attachment,
  cached: JsonObject,
  netns: string,
  env: PluginEnvironment,
): Promise<void> {
  if (att.network.disableCheck || !atLeast(att.network.cniVersion, '0.4.0')) return;
  for (const plugin of att.network.plugins) {
    await runPlugin('CHECK', att, plugin, cached, netns, env);
  }
}

async function runPlugin(
  command: CniCommand,
  att: Attachment,
  plugin: PluginConfig,
  prevResult: JsonObject | undefined,
  netns: string,
  env: PluginEnvironment,
  binary?: string,
): Promise<JsonObject | undefined> {
  return invokePlugin({
    binary: binary ?? (await requirePlugin(plugin.type, env.binDirs)),
    type: plugin.type,
    command,
    containerId: att.containerId,
    netns,
    ifName: att.ifName,
    args: att.args,
    binDirs: env.binDirs,
    request: pluginRequest(att, plugin, prevResult),
    timeoutMs: env.timeoutMs,
  });
}

/** The spec's "request configuration": the plugin's own config plus name, version, runtimeConfig, prevResult. */
export function pluginRequest(att: Attachment, plugin: PluginConfig, prevResult: JsonObject | undefined): JsonObject {
  const { capabilities, runtimeConfig: _reserved, ...rest } = plugin;
  const request: JsonObject = { ...rest, cniVersion: att.network.cniVersion, name: att.network.name };
  const runtimeConfig = runtimeConfigFor(capabilities, att.capabilityArgs);
  if (Object.keys(runtimeConfig).length > 0) request.runtimeConfig = runtimeConfig;
  if (prevResult) request.prevResult = prevResult;
  return request;
}
