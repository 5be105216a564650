// Every corralctl command, by name. Add a command: one file under cli/commands/, one line here.
import type { Command } from './command';
import { checkconfigCommand } from './commands/checkconfig';
import { infoCommand } from './commands/info';
import { versionCommand } from './commands/version';
import { imagesCommand } from './commands/images';
import { pullCommand } from './commands/pull';
import { rmiCommand } from './commands/rmi';
import { inspectiCommand } from './commands/inspecti';
import { imagefsinfoCommand } from './commands/imagefsinfo';
import { imageCommand } from './commands/image';

export const COMMANDS: Command[] = [
  versionCommand,
  infoCommand,
  checkconfigCommand,
  imagesCommand,
  pullCommand,
  rmiCommand,
  inspectiCommand,
  imagefsinfoCommand,
  imageCommand,
];
