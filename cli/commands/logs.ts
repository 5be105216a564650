// corralctl logs [-f] [--tail N] [-t] ID: prints a container's log, following it with -f until
// the container exits.
import { promises as fs } from 'node:fs';
import type { Command, CommandContext } from '../command';
import { commandArgs } from '../command_args';
import { parseLogLine, renderRecord, splitLines } from '../cri_log';
import { resolveId } from '../object_ref';

const FOLLOW_POLL_MS = 200;

function print(lines: string[], timestamps: boolean): void {
  for (const line of lines) {
    const record = parseLogLine(line);
    if (!record) continue;
    (record.stream === 'stdout' ? process.stdout : process.stderr).write(renderRecord(record, timestamps));
  }
}

async function readFrom(file: string, offset: number): Promise<{ text: string; offset: number }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    // A smaller file was rotated or truncated: start over at its beginning.
    const start = size < offset ? 0 : offset;
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return { text: buffer.toString('utf8'), offset: size };
  } finally {
    await handle.close();
  }
}

async function isRunning(ctx: CommandContext, id: string): Promise<boolean> {
  const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
  return status?.state === 'CONTAINER_RUNNING' || status?.state === 'CONTAINER_CREATED';
}

/** Prints the log at `logPath`; with follow, until the container is neither created nor running. */
export async function printLog(
  ctx: CommandContext,
  id: string,
  logPath: string,
  options: { follow: boolean; timestamps: boolean; tail?: number },
): Promise<void> {
  let { text, offset } = await readFrom(logPath, 0);
  let { lines, rest } = splitLines('', text);
  if (options.tail !== undefined) lines = lines.slice(-options.tail);
  print(lines, options.timestamps);
  while (options.follow) {
    const running = await isRunning(ctx, id);
    ({ text, offset } = await readFrom(logPath, offset));
    ({ lines, rest } = splitLines(rest, text));
    print(lines, options.timestamps);
    if (!running) break;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}

export const logsCommand: Command = {
  name: 'logs',
  summary: "Print a container's log (-f to follow)",
  usage: 'corralctl logs [-f] [--tail N] [-t] CONTAINER',
  async run(ctx) {
    const { values, positionals } = commandArgs(
      ctx.args,
      {
        follow: { type: 'boolean', short: 'f' },
        tail: { type: 'string' },
        timestamps: { type: 'boolean', short: 't' },
      },
      this.usage,
      1,
    );
    const id = await resolveId(ctx, 'container', positionals[0]);
    const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
    if (!status?.log_path) throw new Error(`container ${id} has no log file`);
    await printLog(ctx, id, status.log_path, {
      follow: values.follow ?? false,
      timestamps: values.timestamps ?? false,
      tail: values.tail === undefined ? undefined : Number(values.tail),
    });
    return 0;
  },
};
