// Attach and PortForward through the real protocol: attach to a long-running host process, and
// forward a TCP exchange to a server inside a network namespace this test creates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Duplex, Readable, Writable } from 'node:stream';
import { containerAttach } from '../container_attach';
import { sandboxPortForward } from '../sandbox_port_forward';
import { runRemoteCommand } from '../../streaming/client/remote_command_client';
import { forwardConnection, openPortForward } from '../../streaming/client/port_forward_client';
import { Collector, eventually, openInput, startFixture, type StreamingFixture } from './testing/fixture';

const NETNS = `corral-test-${randomBytes(4).toString('hex')}`;
const SERVER_PORT = 8080;
let fx: StreamingFixture;
let main: ChildProcess;
let podServer: ChildProcess;

// A one-connection-at-a-time TCP server in the namespace: answers "pong:<what it got>" at EOF.
const POD_SERVER = `require('net').createServer({allowHalfOpen:true},(c)=>{let d='';c.on('data',(x)=>d+=x);c.on('end',()=>c.end('pong:'+d));})
  .listen(${SERVER_PORT},'127.0.0.1',()=>console.log('listening'));`;

before(async () => {
  fx = await startFixture();
  main = spawn('sh', ['-c', 'while read line; do echo "got:$line"; done'], { stdio: ['pipe', 'pipe', 'pipe'] });
  fx.backend.addContainer('attach-me', main);
  execFileSync('ip', ['netns', 'add', NETNS]);
  execFileSync('ip', ['-n', NETNS, 'link', 'set', 'lo', 'up']);
  podServer = spawn('ip', ['netns', 'exec', NETNS, process.execPath, '-e', POD_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => podServer.stdout?.once('data', resolve));
  fx.backend.addSandbox('pod1', `/run/netns/${NETNS}`);
});

after(async () => {
  if (main.exitCode === null) main.kill('SIGKILL');
  podServer.kill('SIGKILL');
  await new Promise((resolve) =>
    podServer.exitCode !== null || podServer.signalCode !== null ? resolve(null) : podServer.once('exit', resolve),
  );
  execFileSync('ip', ['netns', 'del', NETNS]);
  await fx.service.stop();
});

test('attach sees the container output and sends it input; ends when the container exits', async () => {
  const url =
    (await containerAttach(fx.ctx, { container_id: 'attach-me', stdin: true, stdout: true, stderr: true, tty: false }))
      .url ?? '';
  const stdin = openInput();
  const stdout = new Collector();
  const running = runRemoteCommand(url, { stdin, stdout, stderr: new Collector(), tty: false });
  stdin.write('hello\n');
  await stdout.waitFor('got:hello');
  main.stdin?.end(); // the "container" exits
  const result = await running;
  assert.equal(result.exitCode, 0);
});

function localEnd(payload: string): { duplex: Duplex; received: Promise<string> } {
  let text = '';
  let done: (t: string) => void = () => undefined;
  const received = new Promise<string>((resolve) => {
    done = resolve;
  });
  const duplex = Duplex.from({
    readable: Readable.from([Buffer.from(payload)]),
    writable: new Writable({
      write: (c: Buffer, _e: BufferEncoding, cb: () => void) => {
        text += c.toString();
        cb();
      },
      final: (cb: () => void) => {
        done(text);
        cb();
      },
    }),
  });
  return { duplex, received };
}

test('port-forward carries a TCP exchange to a server inside the pod network namespace', async () => {
  const url = (await sandboxPortForward(fx.ctx, { pod_sandbox_id: 'pod1', port: [SERVER_PORT] })).url ?? '';
  const session = await openPortForward(url);
  try {
    const first = localEnd('ping');
    const errors = await Promise.all([forwardConnection(session, SERVER_PORT, 1, first.duplex), first.received]);
    assert.equal(errors[1], 'pong:ping');
    assert.equal(errors[0], '');
    // A second connection over the same session.
    const second = localEnd('again');
    const [, reply] = await Promise.all([forwardConnection(session, SERVER_PORT, 2, second.duplex), second.received]);
    assert.equal(reply, 'pong:again');
  } finally {
    session.close();
  }
});

test('port-forward to a closed port reports the failure on the error stream', async () => {
  const url = (await sandboxPortForward(fx.ctx, { pod_sandbox_id: 'pod1', port: [] })).url ?? '';
  const session = await openPortForward(url);
  try {
    const local = localEnd('');
    const message = await forwardConnection(session, SERVER_PORT + 1, 1, local.duplex);
    assert.match(message, /error forwarding port 8081/);
  } finally {
    session.close();
  }
  await eventually(() => session.isClosed, 'session closed');
});
