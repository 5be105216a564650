// corralctl port-forward POD LOCAL:REMOTE...: listens on 127.0.0.1:LOCAL and carries each
// connection to port REMOTE on the pod's loopback, until interrupted.
import * as net from 'node:net';
import type { Command } from '../command';
import { commandArgs, UsageError } from '../command_args';
import { resolveId } from '../object_ref';
import { forwardConnection, openPortForward } from '../../streaming/client/port_forward_client';

function parsePair(spec: string, usage: string): { local: number; remote: number } {
  const [localText, remoteText = localText] = spec.split(':');
  const local = Number(localText);
  const remote = Number(remoteText);
  const valid = (p: number) => Number.isInteger(p) && p >= 0 && p <= 65535;
  if (!valid(local) || !valid(remote) || remote === 0)
    throw new UsageError(`bad port mapping ${spec}\nusage: ${usage}`);
  return { local, remote };
}

export const portForwardCommand: Command = {
  name: 'port-forward',
  summary: 'Forward local ports to ports on a pod',
  usage: 'corralctl port-forward POD [LOCAL_PORT:]REMOTE_PORT...',
  async run(ctx) {
    const { positionals } = commandArgs(ctx.args, {}, this.usage, 2);
    const [podRef, ...specs] = positionals;
    const pairs = specs.map((s) => parsePair(s, this.usage));
    const podId = await resolveId(ctx, 'pod', podRef);
    const { url } = await ctx
      .client()
      .runtime('PortForward', { pod_sandbox_id: podId, port: pairs.map((p) => p.remote) });
    const session = await openPortForward(url);
    let requestId = 0;
    const servers = await Promise.all(
      pairs.map(
        ({ local, remote }) =>
          new Promise<net.Server>((resolve, reject) => {
            const server = net.createServer({ allowHalfOpen: true }, (socket) => {
              forwardConnection(session, remote, requestId++, socket)
                .then((message) => {
                  if (message) process.stderr.write(`${message}\n`);
                })
                .catch((err: Error) => {
                  process.stderr.write(`${err.message}\n`);
                  socket.destroy();
                });
            });
            server.once('error', reject);
            server.listen(local, '127.0.0.1', () => {
              process.stdout.write(
                `Forwarding from 127.0.0.1:${(server.address() as net.AddressInfo).port} -> ${remote}\n`,
              );
              resolve(server);
            });
          }),
      ),
    );
    await new Promise<void>((resolve) => {
      session.once('close', () => resolve());
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    for (const server of servers) server.close();
    session.close();
    return 0;
  },
};
