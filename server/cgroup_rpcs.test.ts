// The cgroup RPC suite on this host's hierarchy (the v2 run is in the QEMU guest).
import { defineCgroupRpcSuite } from './testing/cgroup_rpcs_suite';

defineCgroupRpcSuite();
