// Every fidelity suite in one process, sharing one corrald (testing/shared_world.ts): how the
// pure-v2 QEMU guest runs them (conformance/vm/cgroups_v2_vm.test.ts), where each corrald start
// costs about a minute. Not a *.test file, so `npm test` runs the suites one by one instead. The
// guest's older-kernel seize check (security/older_kernel_guest.ts) shares that corrald too.
import './cgroupfs.test';
import './defaults.test';
import './many_layers.test';
import './programs.test';
import './tty.test';
import './userns_dev.test';
import '../security/older_kernel_guest';
