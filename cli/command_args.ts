// Argument parsing for one corralctl command: node's parseArgs, with a usage error that names
// the command.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function commandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  usage: string,
  minPositionals = 0,
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: ${usage}`);
  }
  if (parsed.positionals.length < minPositionals) throw new UsageError(`missing arguments\nusage: ${usage}`);
  return parsed;
}
