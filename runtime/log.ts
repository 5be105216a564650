// Structured logging: one root winston logger, one child per module. winston loads with the first
// entry written at an enabled level, not with this module: corrald serves its socket before it
// logs anything, and winston with its formats was ~4 ms of what ran before. Entries written
// meanwhile are written once it has loaded (a turn later), in order.
import type * as Winston from 'winston';
import { LOG_LEVELS, type LogLevel } from './log_levels';

export { LOG_LEVELS, type LogLevel };

export interface Logger {
  error(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  info(message: string, fields?: object): void;
  debug(message: string, fields?: object): void;
  isDebugEnabled(): boolean;
}

/** winston's (npm) level numbers: an entry is written when its number is at most the level's. */
const SEVERITY: Record<string, number> = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

let level = process.env.CORRAL_LOG_LEVEL || 'info';
let root: Winston.Logger | undefined;
const children = new Map<string, Winston.Logger>();
/** Entries written before winston loaded; undefined once it has. */
let waiting: Array<{ module: string; level: LogLevel; message: string; fields?: object }> | undefined;
let failed = false;

export function setLogLevel(newLevel: LogLevel): void {
  level = newLevel;
  if (root) root.level = newLevel;
}

function enabled(entryLevel: LogLevel): boolean {
  return SEVERITY[entryLevel] <= (SEVERITY[level] ?? SEVERITY.info);
}

function child(module: string): Winston.Logger {
  let logger = children.get(module);
  if (!logger) children.set(module, (logger = root!.child({ module })));
  return logger;
}

async function loadWinston(): Promise<void> {
  const winston = (await import('winston')).default;
  root = winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: [...LOG_LEVELS] })],
  });
  const entries = waiting ?? [];
  waiting = undefined;
  for (const entry of entries) if (enabled(entry.level)) pass(entry.module, entry.level, entry.message, entry.fields);
}

function pass(module: string, entryLevel: LogLevel, message: string, fields?: object): void {
  if (fields === undefined) child(module)[entryLevel](message);
  else child(module)[entryLevel](message, fields);
}

function write(module: string, entryLevel: LogLevel, message: string, fields?: object): void {
  // winston formats every entry (timestamp, JSON) before its transport drops one below the level,
  // so a debug line on a hot path would cost that on every call: such entries stop here instead.
  if (!enabled(entryLevel) || failed) return;
  if (root) {
    pass(module, entryLevel, message, fields);
    return;
  }
  if (!waiting) {
    waiting = [];
    loadWinston().catch((err: unknown) => {
      failed = true;
      waiting = undefined;
      process.stderr.write(`corral: logging is off, winston did not load: ${String(err)}\n`);
    });
  }
  waiting.push({ module, level: entryLevel, message, fields });
}

export function moduleLogger(module: string): Logger {
  return {
    error: (message, fields) => write(module, 'error', message, fields),
    warn: (message, fields) => write(module, 'warn', message, fields),
    info: (message, fields) => write(module, 'info', message, fields),
    debug: (message, fields) => write(module, 'debug', message, fields),
    isDebugEnabled: () => enabled('debug'),
  };
}
