// What a corralctl command is. Each command lives in its own file under cli/commands/.
import type { CriClient } from './cri_client';
import type { OutputFormat } from './output';

export interface CommandContext {
  /** Connects on first use, so commands that need no daemon (checkconfig) never dial it. */
  client(): CriClient;
  output: OutputFormat;
  args: string[];
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit status. */
  run(ctx: CommandContext): Promise<number>;
}
