// The driver suite on a pure cgroup v2 hierarchy. Not a *.test file: cgroups_v2_vm.test.ts runs
// it inside the conformance/vm/cgroup2-vm.sh guest (or it can be run by hand on a v2 host).
import { defineDriverSuite } from './driver_suite';

defineDriverSuite('v2');
