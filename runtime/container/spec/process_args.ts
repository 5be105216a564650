// The process's argv and environment from the image config and the CRI config, by Kubernetes'
// rules: command replaces the entrypoint (and drops the image's cmd), args replace cmd.
import { InvalidArgumentError } from '../../errors';

export function processArgs(entrypoint: string[], cmd: string[], command: string[], args: string[]): string[] {
  let argv: string[];
  if (command.length > 0) argv = [...command, ...args];
  else argv = [...entrypoint, ...(args.length > 0 ? args : cmd)];
  if (argv.length === 0)
    throw new InvalidArgumentError(
      'no command specified: the image has no entrypoint or cmd and the config gives no command',
    );
  return argv;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * PATH default and HOSTNAME first (as containerd), TERM=xterm for a tty (containerd's WithTTY),
 * then the image's env, then the CRI envs; a later value for a key replaces the earlier one in place.
 */
export function processEnv(
  hostname: string,
  imageEnv: string[],
  criEnvs: Array<{ key: string; value: string }>,
  tty = false,
): string[] {
  const env = new Map<string, string>();
  const set = (entry: string) => {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (key !== '') env.set(key, entry);
  };
  set(DEFAULT_PATH);
  set(`HOSTNAME=${hostname}`);
  if (tty) set('TERM=xterm');
  imageEnv.forEach(set);
  for (const { key, value } of criEnvs) set(`${key}=${value}`);
  return [...env.values()];
}
