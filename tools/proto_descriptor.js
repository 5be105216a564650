#!/usr/bin/env node
// Parses the CRI proto (and corral's own proto/corral/v1/progress.proto) once, at build time,
// into protobufjs's JSON descriptor (proto/generated/cri_descriptor.json): corrald and corralctl
// load that instead of parsing the .proto files at every start (tens of milliseconds and a heap's
// worth of parser garbage).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const protobuf = require('protobufjs');

const here = path.resolve(__dirname, '..');
const sources = [
  path.join(here, 'proto', 'runtime', 'v1', 'api.proto'),
  path.join(here, 'proto', 'corral', 'v1', 'progress.proto'),
];
const target = path.join(here, 'proto', 'generated', 'cri_descriptor.json');

const root = new protobuf.Root();
// Field names as written (snake_case): the generated types and every caller use them.
root.loadSync(sources, { keepCase: true });
root.resolveAll();
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, JSON.stringify(root.toJSON()));
