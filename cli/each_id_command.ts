// Commands that apply one call to each ID they are given (start, stopp, rmp).
import type { Command, CommandContext } from './command';
import { commandArgs } from './command_args';

export function eachIdCommand(
  name: string,
  summary: string,
  usage: string,
  act: (ctx: CommandContext, id: string) => Promise<string>,
): Command {
  return {
    name,
    summary,
    usage,
    async run(ctx) {
      const { positionals } = commandArgs(ctx.args, {}, usage, 1);
      for (const id of positionals) process.stdout.write(`${await act(ctx, id)}\n`);
      return 0;
    },
  };
}
