// The log levels, apart from the logger: the config schema checks them before corrald loads any
// of its daemon code (winston included).
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
