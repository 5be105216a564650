// A process's argv and environment (CreateContainer, ExecSync, Exec): execve refuses a string
// over MAX_ARG_STRLEN and a total over ARG_MAX with E2BIG, far from the request; here they are
// refused at once, as is an empty program name.
import { InvalidArgumentError } from '../../runtime/errors';
import { invalid } from './text';

/** Linux's MAX_ARG_STRLEN (32 pages) less the NUL. */
export const MAX_ARG_BYTES = 32 * 4096 - 1;
/** Well inside ARG_MAX (a quarter of the default 8 MiB stack) with room for the pointers. */
export const MAX_ARGV_ENV_BYTES = 1 << 20;

export interface ProcessInput {
  command: string[];
  args?: string[];
  env?: Array<{ key: string; value: Buffer | Uint8Array | string }>;
}

/** `programField` names the list whose first element is the program (command or cmd). */
export function checkProcess(programField: string, input: ProcessInput): void {
  const program = input.command[0];
  if (program === '') throw new InvalidArgumentError(`${programField}[0] (the program) is empty`);
  let total = 0;
  const count = (field: string, bytes: number) => {
    if (bytes > MAX_ARG_BYTES) throw new InvalidArgumentError(`${field} is ${bytes} bytes, more than ${MAX_ARG_BYTES}`);
    total += bytes + 1;
  };
  input.command.forEach((arg, i) => count(`${programField}[${i}]`, Buffer.byteLength(arg)));
  (input.args ?? []).forEach((arg, i) => count(`args[${i}]`, Buffer.byteLength(arg)));
  (input.env ?? []).forEach(({ key, value }, i) => {
    if (key === '' || key.includes('=')) throw invalid(`envs[${i}].key`, key, 'must be non-empty and hold no "="');
    const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
    if (bytes.includes(0)) throw new InvalidArgumentError(`envs[${i}].value contains a NUL byte`);
    count(`envs[${i}]`, Buffer.byteLength(key) + 1 + bytes.length);
  });
  if (total > MAX_ARGV_ENV_BYTES)
    throw new InvalidArgumentError(`command, args and env total ${total} bytes, more than ${MAX_ARGV_ENV_BYTES}`);
}
