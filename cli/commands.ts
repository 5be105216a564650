// Every corralctl command, by name. Add a command: one file under cli/commands/, one line here.
import type { Command } from './command';
import { checkconfigCommand } from './commands/checkconfig';
import { infoCommand } from './commands/info';
import { versionCommand } from './commands/version';

export const COMMANDS: Command[] = [
  versionCommand,
  infoCommand,
  checkconfigCommand,
];
