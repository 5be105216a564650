// The RuntimeDefault filter depends only on the container's bounding capabilities, and compiling
// it costs milliseconds of blocked event loop per container. Compiled once per capability set.
import { compileSeccompProfile, type CompiledSeccomp } from './compile';
import { runtimeDefaultProfile } from './default_profile';

/** Capability sets in use are few (pods mostly share one); the bound only stops odd clients. */
const MAX_ENTRIES = 32;

const compiled = new Map<string, Readonly<CompiledSeccomp>>();

/** The shared compiled filter: callers must not modify it. */
export function runtimeDefaultFilter(boundingCapabilities: readonly string[]): Readonly<CompiledSeccomp> {
  const key = [...new Set(boundingCapabilities)].sort().join(',');
  let entry = compiled.get(key);
  if (!entry) {
    entry = compileSeccompProfile(runtimeDefaultProfile(boundingCapabilities), 'RuntimeDefault');
    if (compiled.size >= MAX_ENTRIES) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, entry);
  }
  return entry;
}
