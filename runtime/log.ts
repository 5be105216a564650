// Structured logging: one root winston logger, one child per module.
import winston from 'winston';
import { LOG_LEVELS, type LogLevel } from './log_levels';

export { LOG_LEVELS, type LogLevel };

const root = winston.createLogger({
  level: process.env.CORRAL_LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  transports: [new winston.transports.Console({ stderrLevels: [...LOG_LEVELS] })],
});

export type Logger = winston.Logger;

export function setLogLevel(level: LogLevel): void {
  root.level = level;
}

/**
 * winston formats every entry (timestamp, JSON) before its transport drops one below the level,
 * so a debug line on a hot path would cost that on every call: such entries stop here instead.
 */
export function moduleLogger(module: string): Logger {
  const child = root.child({ module });
  const write = (info: winston.LogEntry): boolean => !root.isLevelEnabled(info.level) || child.write(info);
  return Object.create(child, { write: { value: write } }) as Logger;
}
