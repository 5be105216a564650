// Commands that apply one call to each container or pod they are given (start, stopp, inspect…);
// names and ID prefixes are accepted wherever an ID is (cli/object_ref.ts).
import type { Command, CommandContext } from './command';
import { commandArgs } from './command_args';
import { resolveIds, type ObjectKind } from './object_ref';

export function eachIdCommand(
  name: string,
  summary: string,
  usage: string,
  kind: ObjectKind,
  act: (ctx: CommandContext, id: string) => Promise<string>,
): Command {
  return {
    name,
    summary,
    usage,
    async run(ctx) {
      const { positionals } = commandArgs(ctx.args, {}, usage, 1);
      for (const id of await resolveIds(ctx, kind, positionals)) process.stdout.write(`${await act(ctx, id)}\n`);
      return 0;
    },
  };
}
