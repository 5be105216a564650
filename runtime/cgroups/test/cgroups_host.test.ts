// The driver suite on this host's own hierarchy (v1/hybrid here); the pure-v2 run is in the
// QEMU guest (conformance/vm/cgroups_v2_vm.test.ts).
import { createCgroupManager } from '../manager';
import { defineDriverSuite } from './driver_suite';

defineDriverSuite(createCgroupManager().driver);
