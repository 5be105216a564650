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
import { runpCommand } from './commands/runp';
import { runCommand } from './commands/run';
import { podsCommand } from './commands/pods';
import { createCommand } from './commands/create';
import { startCommand } from './commands/start';
import { stopCommand } from './commands/stop';
import { rmCommand } from './commands/rm';
import { psCommand } from './commands/ps';
import { inspectCommand } from './commands/inspect';
import { inspectpCommand } from './commands/inspectp';
import { execCommand } from './commands/exec';
import { logsCommand } from './commands/logs';
import { stoppCommand } from './commands/stopp';
import { rmpCommand } from './commands/rmp';
import { statsCommand } from './commands/stats';
import { attachCommand } from './commands/attach';
import { portForwardCommand } from './commands/port_forward';
import { eventsCommand } from './commands/events';

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
  runCommand,
  runpCommand,
  podsCommand,
  createCommand,
  startCommand,
  stopCommand,
  rmCommand,
  psCommand,
  inspectCommand,
  inspectpCommand,
  execCommand,
  logsCommand,
  stoppCommand,
  rmpCommand,
  statsCommand,
  attachCommand,
  portForwardCommand,
  eventsCommand,
];
