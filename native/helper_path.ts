// Where the build puts the native programs (native/build.sh → dist/native/<program>).
import * as path from 'node:path';

// dist/native/helper_path.js sits beside the built programs; from corrald's bundle (dist/server) too.
const NATIVE_DIR = path.resolve(__dirname, '..', 'native');

export function nativeProgram(name: string): string {
  return path.join(NATIVE_DIR, name);
}

/** Programs corrald cannot work without; Status reports RuntimeReady false while one is missing. */
export const REQUIRED_PROGRAMS: readonly string[] = ['corral-probe', 'corral-helper', 'corral-monitor', 'corral-pause'];
