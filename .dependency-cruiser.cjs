// Layer rules (`npm run lint`, docs/ARCHITECTURE.md). Each rule names what it guards; a
// violation prints the rule's name. Product code is everything that is not test scaffolding.
/** Test scaffolding: *.test.ts, testing/ and test/ folders, the conformance suite, benchmarks. */
const TEST_CODE = '(^|/)(testing|test)/|\\.test\\.ts$|^conformance/|^bench/';
/** Outside the project: node builtins and npm packages. */
const EXTERNAL = ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'];

/** `folder` (product files) may import only the project paths matching `allowed`. */
function layer(name, folder, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^${folder}/`, pathNot: TEST_CODE },
    to: { pathNot: `^(${allowed})`, dependencyTypesNot: EXTERNAL },
  };
}

module.exports = {
  forbidden: [
    layer(
      'native-imports-only-native',
      'native',
      'native/',
      'native/ is the bottom layer: node and npm packages only.',
    ),
    layer(
      'runtime-imports-runtime-and-native',
      'runtime',
      'runtime/|native/',
      'runtime/ sits on native/ only: no gRPC or proto types, nothing of server/, cli/ or streaming/.',
    ),
    layer(
      'server-imports-runtime-streaming-proto',
      'server',
      'server/|runtime/|streaming/|proto/',
      'server/ reaches the kernel only through runtime/ (server → runtime → native, one way).',
    ),
    layer(
      'cli-imports-client-side-only',
      'cli',
      'cli/|streaming/|proto/|runtime/host_check/|runtime/image/import_reference\\.ts$|runtime/security/default_proc_paths\\.ts$',
      'corralctl is a client: its own code, the shared streaming/ and proto/ modules, and the runtime modules it shares with the node (host checks for checkconfig, the import annotation names, the default masked and read-only paths run sends).',
    ),
    layer(
      'streaming-is-self-contained',
      'streaming',
      'streaming/',
      'streaming/ is shared by corrald and corralctl: it imports nothing else of the project.',
    ),
    layer('proto-is-self-contained', 'proto', 'proto/', 'proto/ holds the wire definition and its loader only.'),
    {
      name: 'no-test-code-in-product',
      comment: 'Product code never imports test scaffolding, the conformance suite or benchmarks.',
      severity: 'error',
      from: { pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'test-code-lives-in-testing',
      comment:
        'A file that uses the test runner or assert is test scaffolding: it goes in a testing/ folder or is named *.test.ts.',
      severity: 'error',
      from: { pathNot: TEST_CODE },
      to: { path: '^(node:)?(test|assert)(/strict)?$', dependencyTypes: ['core'] },
    },
    {
      name: 'product-code-is-used-by-a-program',
      comment:
        'Every product file is reachable from corrald or corralctl; one that only tests use is test scaffolding (testing/ or *.test.ts), one nobody uses is dead.',
      severity: 'error',
      from: { path: '^(server|cli)/main\\.ts$' },
      to: {
        path: '^(server|runtime|native|cli|streaming|proto)/',
        pathNot: `${TEST_CODE}|^(server|cli)/main\\.ts$`,
        reachable: false,
      },
    },
    {
      name: 'no-cycles',
      comment: 'A cycle makes two modules one; split what both need into a third.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|proto/generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
