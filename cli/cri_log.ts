// Reads CRI container log files: "<RFC3339Nano> <stdout|stderr> <P|F> <text>" per line, where
// P marks a partial line continued by the next record.
export interface LogRecord {
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  text: string;
}

export function parseLogLine(line: string): LogRecord | undefined {
  const match = /^(\S+) (stdout|stderr) ([PF]) (.*)$/s.exec(line);
  if (!match) return undefined;
  return { time: match[1], stream: match[2] as LogRecord['stream'], partial: match[3] === 'P', text: match[4] };
}

/** Splits complete lines off a buffer; the unfinished tail is returned for the next read. */
export function splitLines(pending: string, chunk: string): { lines: string[]; rest: string } {
  const parts = (pending + chunk).split('\n');
  return { lines: parts.slice(0, -1), rest: parts.at(-1)! };
}

/** What a record prints as: its text, with the newline back unless it was a partial line. */
export function renderRecord(record: LogRecord, timestamps: boolean): string {
  const prefix = timestamps ? `${record.time} ` : '';
  return `${prefix}${record.text}${record.partial ? '' : '\n'}`;
}
