// The driver suite on this host's v1 (hybrid) hierarchies; the v2 run is cgroups_v2_vm.test.ts.
import { test } from 'node:test';
import { detectHost } from '../host';
import { defineDriverSuite } from './driver_suite';

if (detectHost().mode === 'v2') test('cgroup v1 driver', { skip: 'this host is pure cgroup v2' }, () => {});
else defineDriverSuite('v1');
