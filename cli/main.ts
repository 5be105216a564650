#!/usr/bin/env node
// corralctl: corral's client for people and node automation.
import { parseArgs } from 'node:util';
import { COMMANDS } from './commands';
import { CriCallError, CriClient, DEFAULT_ENDPOINT } from './cri_client';
import type { OutputFormat } from './output';

const USAGE = `usage: corralctl [--endpoint ENDPOINT] [-o table|json] COMMAND [ARGS]
  --endpoint   CRI endpoint (default $CORRAL_ENDPOINT or ${DEFAULT_ENDPOINT})
  -o, --output table (default) or json
  --timeout    seconds to wait for each call (default 120)

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(14)} ${c.summary}`).join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const commandAt = argv.findIndex((arg, i) => !arg.startsWith('-') && !isOptionValue(argv, i));
  const globalArgs = commandAt < 0 ? argv : argv.slice(0, commandAt);
  const { values } = parseArgs({
    args: globalArgs,
    strict: true,
    options: {
      endpoint: { type: 'string' },
      output: { type: 'string', short: 'o' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = COMMANDS.find((c) => c.name === argv[commandAt]);
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const rest = argv.slice(commandAt + 1);
  const output = pickOutput(values.output, rest);
  const endpoint = values.endpoint ?? process.env.CORRAL_ENDPOINT ?? DEFAULT_ENDPOINT;
  let client: CriClient | undefined;
  try {
    return await command.run({
      client: () => (client ??= new CriClient(endpoint, Number(values.timeout ?? 120) * 1000)),
      output: output.format,
      args: output.rest,
    });
  } finally {
    client?.close();
  }
}

const GLOBAL_WITH_VALUE = new Set(['--endpoint', '-o', '--output', '--timeout']);

function isOptionValue(argv: string[], i: number): boolean {
  return i > 0 && GLOBAL_WITH_VALUE.has(argv[i - 1]);
}

/** `-o json` may also follow the command, as with crictl. */
function pickOutput(global: string | undefined, rest: string[]): { format: OutputFormat; rest: string[] } {
  let format = global ?? 'table';
  const remaining: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if ((rest[i] === '-o' || rest[i] === '--output') && rest[i + 1] !== undefined) format = rest[++i]!;
    else remaining.push(rest[i]);
  }
  if (format !== 'table' && format !== 'json') throw new Error(`unknown output format ${format}: use table or json`);
  return { format, rest: remaining };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`corralctl: ${err instanceof CriCallError ? err.message : err.message}\n`);
    process.exit(1);
  },
);
