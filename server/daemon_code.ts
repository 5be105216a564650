// Loads the daemon's code. The build bundles server/daemon_run.ts and everything it imports into
// one file (tools/bundle_corrald.js): one read and one compile instead of finding, reading and
// compiling ~300 modules, and a compile V8 mostly skips with the code cache corrald saved under
// its root after an earlier start (code_cache_file.ts). Without a bundle, or when tsc rebuilt the
// modules after it (tsc alone, without the bundling step), the modules load as built.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { codeCacheFile, readCodeCache, sha256, writeCodeCache } from './code_cache_file';
import type { runDaemon } from './daemon_run';

/** tools/bundle_corrald.js writes it beside this file, as one function expression taking CommonJS's arguments. */
export const BUNDLE_FILE = path.join(__dirname, 'daemon_bundle.js');
/** The bundle's entry as tsc built it: tsc rewrites every output, so a newer one means a tsc-only rebuild. */
const ENTRY_FILE = path.join(__dirname, 'daemon_run.js');

type ModuleBody = (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;

export interface DaemonCode {
  runDaemon: typeof runDaemon;
  /** Saves V8's code cache for the next start when this one had none to use; never throws. */
  saveCodeCache(): void;
}

export async function loadDaemonCode(root: string): Promise<DaemonCode> {
  const text = readBundle();
  if (!text) return { runDaemon: (await import('./daemon_run')).runDaemon, saveCodeCache: () => {} };
  const bundleHash = sha256(text);
  const cacheFile = codeCacheFile(root, bundleHash);
  const cachedData = readCodeCache(cacheFile, bundleHash);
  // The bundle is ASCII (charset=ascii): latin1 decodes it as is, into a one-byte string.
  const script = new Script(text.toString('latin1'), { filename: BUNDLE_FILE, cachedData });
  const body = script.runInThisContext() as ModuleBody;
  const module = { exports: {} as { runDaemon: typeof runDaemon } };
  body(module.exports, createRequire(BUNDLE_FILE), module, BUNDLE_FILE, path.dirname(BUNDLE_FILE));
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  return {
    runDaemon: module.exports.runDaemon,
    saveCodeCache: () => {
      if (cacheUsed) return;
      try {
        writeCodeCache(cacheFile, bundleHash, script.createCachedData());
      } catch {
        // Only the next start's speed depends on it: that start compiles without a cache.
      }
    },
  };
}

/** The bundle's text, unless there is none or tsc rebuilt the modules after it (tsc alone, no bundling step). */
function readBundle(): Buffer | undefined {
  const bundle = statSync(BUNDLE_FILE, { throwIfNoEntry: false });
  const entry = statSync(ENTRY_FILE, { throwIfNoEntry: false });
  if (!bundle || (entry && entry.mtimeMs > bundle.mtimeMs)) return undefined;
  return readFileSync(BUNDLE_FILE);
}
