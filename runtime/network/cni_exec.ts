// Runs one CNI plugin binary per the spec's execution protocol: parameters in CNI_* environment
// variables, the request config on stdin, a result or an error as JSON on stdout.
import { spawn } from 'node:child_process';
import { InternalError } from '../errors';
import { CniPluginError } from './cni_errors';
import { isObject, type Json, type JsonObject } from './cni_config';

/** A CNI result is a few KiB; a plugin writing more than this on stdout or stderr is stopped. */
export const MAX_PLUGIN_OUTPUT_BYTES = 1024 * 1024;

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface PluginInvocation {
  binary: string;
  /** The plugin type, for messages. */
  type: string;
  command: CniCommand;
  containerId: string;
  netns: string;
  ifName: string;
  /** CNI_ARGS, already joined: "K=V;K=V". */
  args: string;
  binDirs: readonly string[];
  request: JsonObject;
  timeoutMs: number;
}

/** Resolves with the parsed stdout (undefined when empty), or throws CniPluginError. */
export async function invokePlugin(call: PluginInvocation): Promise<JsonObject | undefined> {
  const { code, stdout, stderr, timedOut, overflowed } = await run(call);
  if (overflowed)
    throw new CniPluginError(
      call.type,
      call.command,
      undefined,
      `wrote more than ${MAX_PLUGIN_OUTPUT_BYTES} bytes of output and was stopped`,
      '',
    );
  if (timedOut)
    throw new CniPluginError(call.type, call.command, undefined, `timed out after ${call.timeoutMs} ms`, stderr.trim());
  if (code !== 0) throw pluginFailure(call, code, stdout, stderr);
  if (stdout.trim() === '') return undefined;
  const parsed = parseJson(stdout);
  if (!isObject(parsed)) {
    throw new CniPluginError(
      call.type,
      call.command,
      undefined,
      'printed a result that is not a JSON object',
      stdout.slice(0, 500),
    );
  }
  return parsed;
}

function pluginFailure(
  call: PluginInvocation,
  exitCode: number | null,
  stdout: string,
  stderr: string,
): CniPluginError {
  const parsed = parseJson(stdout);
  if (isObject(parsed) && typeof parsed.msg === 'string') {
    const code = typeof parsed.code === 'number' ? parsed.code : undefined;
    const details = typeof parsed.details === 'string' ? parsed.details : '';
    return new CniPluginError(call.type, call.command, code, parsed.msg, details);
  }
  const text = (stderr.trim() || stdout.trim() || `exited with status ${exitCode}`).slice(0, 2000);
  return new CniPluginError(call.type, call.command, undefined, text, '');
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  overflowed: boolean;
}

function run(call: PluginInvocation): Promise<Finished> {
  const env = {
    ...process.env,
    CNI_COMMAND: call.command,
    CNI_CONTAINERID: call.containerId,
    CNI_NETNS: call.netns,
    CNI_IFNAME: call.ifName,
    CNI_ARGS: call.args,
    CNI_PATH: call.binDirs.join(':'),
  };
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout also ends what the plugin started (IPAM, a shell's children).
    const child = spawn(call.binary, [], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let overflowed = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, call.timeoutMs);
    const collect = (into: Buffer[]) => {
      let bytes = 0;
      return (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= MAX_PLUGIN_OUTPUT_BYTES) into.push(chunk);
        else if (!overflowed) {
          overflowed = true;
          killGroup(child.pid);
        }
      };
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.stdin.on('error', () => {
      /* a plugin may exit without reading stdin; its status tells */
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new InternalError(`cannot run CNI plugin ${call.binary}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        overflowed,
      });
    });
    child.stdin.end(JSON.stringify(call.request));
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
