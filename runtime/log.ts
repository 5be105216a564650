// Structured logging: one root winston logger, one child per module.
import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

const root = winston.createLogger({
  level: process.env.CORRAL_LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  transports: [new winston.transports.Console({ stderrLevels: [...LOG_LEVELS] })],
});

export type Logger = winston.Logger;

export function setLogLevel(level: LogLevel): void {
  root.level = level;
}

export function moduleLogger(module: string): Logger {
  return root.child({ module });
}
