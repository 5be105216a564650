// Test-only: a separate Node process that creates and starts a container, then exits, to show
// the container (and its monitor) does not depend on the process that made it.
import { NativeProcessRuntime } from '../process_runtime';
import type { ContainerSpec } from '../contract';

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as ContainerSpec;
  const runtime = new NativeProcessRuntime();
  const created = await runtime.create(spec);
  await runtime.start(spec.bundleDir);
  process.stdout.write(JSON.stringify(created));
}

main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(1);
});
