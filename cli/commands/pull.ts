// corralctl pull REF [--creds USER[:PASS]] [--registry-token T] [--identity-token T]: pulls through
// corrald's PullImage; on a terminal, a spinner shows the pull is alive.
import { parseArgs } from 'node:util';
import type { Command } from '../command';
import { printJson } from '../output';

export const pullCommand: Command = {
  name: 'pull',
  summary: 'Pull an image from its registry',
  usage: 'corralctl pull [--creds USER[:PASS]] [--registry-token TOKEN] [--identity-token TOKEN] REF',
  async run(ctx) {
    const { values, positionals } = parseArgs({
      args: ctx.args,
      allowPositionals: true,
      options: {
        creds: { type: 'string' },
        'registry-token': { type: 'string' },
        'identity-token': { type: 'string' },
      },
    });
    const image = positionals[0];
    if (!image) throw new Error(`usage: ${pullCommand.usage}`);
    const [username = '', ...rest] = (values.creds ?? '').split(':');
    const auth = {
      username,
      password: rest.join(':'),
      registry_token: values['registry-token'] ?? '',
      identity_token: values['identity-token'] ?? '',
    };
    const stop = spinner(`pulling ${image}`);
    try {
      const res = await ctx.client().image('PullImage', { image: { image }, auth });
      stop();
      if (ctx.output === 'json') printJson(res);
      else process.stdout.write(`Image is up to date for ${res.image_ref}\n`);
      return 0;
    } finally {
      stop();
    }
  },
};

/** An elapsed-time spinner on stderr when it is a terminal; returns the function that clears it. */
function spinner(label: string): () => void {
  if (!process.stderr.isTTY) return () => undefined;
  const frames = '|/-\\';
  const started = Date.now();
  let i = 0;
  const timer = setInterval(() => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\r${frames[i++ % frames.length]} ${label} ${seconds}s`);
  }, 100);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}
