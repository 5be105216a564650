// corralctl logs [-f] [--tail N] [-t] ID: prints a container's log, following it with -f until
// the container exits.
import { promises as fs } from 'node:fs';
import type { Command, CommandContext } from '../command';
import { commandArgs } from '../command_args';
import { parseLogLine, renderRecord, splitLines } from '../cri_log';

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

export const logsCommand: Command = {
  name: 'logs',
  summary: "Print a container's log (-f to follow)",
  usage: 'corralctl logs [-f] [--tail N] [-t] CONTAINER_ID',
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
    const id = positionals[0];
    const { status } = await ctx.client().runtime('ContainerStatus', { container_id: id, verbose: false });
    if (!status?.log_path) throw new Error(`container ${id} has no log file`);
    const timestamps = values.timestamps ?? false;
    let { text, offset } = await readFrom(status.log_path, 0);
    let { lines, rest } = splitLines('', text);
    if (values.tail !== undefined) lines = lines.slice(-Number(values.tail));
    print(lines, timestamps);
    while (values.follow) {
      const running = await isRunning(ctx, id);
      ({ text, offset } = await readFrom(status.log_path, offset));
      ({ lines, rest } = splitLines(rest, text));
      print(lines, timestamps);
      if (!running) break;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
    return 0;
  },
};
