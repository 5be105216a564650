// V8 heap settings corrald applies to itself, imported first by main.ts so they hold before the
// rest loads. V8 grows the young generation's semi-spaces up to 16 MiB each while start-up
// allocates; they stay that size for good, and an idle daemon's garbage never needs them:
// kept at their initial size, idle RSS is ~6 MiB lower, ~18 MiB lower with 500 pods, with no
// slower start-up (bench/daemon_start.ts). A flag on node's command line would do the same, but
// corrald is started by unit files, launchers and tests alike; this keeps it in one place. The
// flag is read whenever the young generation would grow, so setting it now is safe.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
