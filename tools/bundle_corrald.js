#!/usr/bin/env node
// Bundles corrald's daemon code (dist/server/daemon_run.js and everything it imports) into one
// file, dist/server/daemon_bundle.js, which server/daemon_code.ts compiles with V8's code cache.
// Run after tsc (npm run build). Identifiers and names are kept (stack traces stay readable,
// error classes keep their names); whitespace goes, and the text is ASCII so V8 keeps it in a
// one-byte string. The file is one function expression taking CommonJS's module arguments.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  // A checkout whose node_modules predate esbuild (npm ci not rerun): corrald loads its modules
  // as tsc built them, correct but slower to start.
  console.warn('bundle_corrald: esbuild is not installed (run npm ci); corrald will start unbundled');
  process.exit(0);
}

const serverDir = path.resolve(__dirname, '..', 'dist', 'server');
// Not loaded at start (the systemd driver's D-Bus, the metrics exporter, streaming's WebSocket,
// image unpacking, channelz): they stay in node_modules and load on first use as before, instead
// of adding source text that every start would read and keep.
const ON_FIRST_USE = ['dbus-next', 'prom-client', 'ws', 'tar-stream', 'fzstd', '@grpc/proto-loader'];
// winston's own debug output (its internals, shown with DEBUG=winston*) in its no-op form: the
// development form it picks unless NODE_ENV=production loads a colour library (~4 ms at start).
const ALIASES = { '@dabh/diagnostics': '@dabh/diagnostics/node/production.js' };

const result = esbuild.buildSync({
  entryPoints: [path.join(serverDir, 'daemon_run.js')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['koffi', ...ON_FIRST_USE],
  alias: ALIASES,
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'none',
  charset: 'ascii',
  write: false,
  logLevel: 'warning',
});
const target = path.join(serverDir, 'daemon_bundle.js');
fs.writeFileSync(
  `${target}.tmp`,
  `(function (exports, require, module, __filename, __dirname) {${result.outputFiles[0].text}\n})`,
);
fs.renameSync(`${target}.tmp`, target);
