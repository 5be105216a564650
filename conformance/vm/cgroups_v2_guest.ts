// What runs inside the pure-v2 guest (one boot): the cgroup driver suite and the cgroup RPC
// suite, the same ones that run on the v1 host. Not a *.test file: cgroups_v2_vm.test.ts starts it.
import { defineDriverSuite } from '../../runtime/cgroups/test/driver_suite';
import { defineCgroupRpcSuite } from '../../server/testing/cgroup_rpcs_suite';

defineDriverSuite('v2');
defineCgroupRpcSuite();
