// Streaming exec on a real corrald and busybox container: the full round trip of one exec
// (Exec RPC, SPDY upgrade, streams, helper joins the container, `true` runs, status back), the
// echo latency of one keystroke in a running `cat` session, and stdout throughput; beside them
// ExecSync, which skips the streaming server.
// usage: node dist/bench/exec_stream.js [--runs N]
import { parseArgs } from 'node:util';
import { PassThrough, Writable } from 'node:stream';
import { runRemoteCommand } from '../streaming/client/remote_command_client';
import { containerConfig, podConfig, startWorld, stopWorld } from '../conformance/lifecycle/fixture';
import { percentile } from './stats';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const summary = (xs: number[]) =>
  `median ${percentile(xs, 50).toFixed(2)} ms, p90 ${percentile(xs, 90).toFixed(2)} ms (n=${xs.length})`;

async function main(): Promise<void> {
  const runs = Number(parseArgs({ options: { runs: { type: 'string', default: '30' } } }).values.runs);
  const world = await startWorld('bench-exec');
  const client = world.daemon.client;
  const pod = podConfig('bench');
  const podId = (await client.runtime('RunPodSandbox', { config: pod, runtime_handler: '' })).pod_sandbox_id;
  try {
    const config = containerConfig(world.images.busybox, 'app', ['sleep', '1000']);
    const id = (await client.runtime('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: pod }))
      .container_id;
    await client.runtime('StartContainer', { container_id: id });
    const exec = async (cmd: string[], stdin = false) =>
      (await client.runtime('Exec', { container_id: id, cmd, stdin, stdout: true, stderr: false, tty: false })).url;

    const streaming: number[] = [];
    const sync: number[] = [];
    for (let i = 0; i < runs; i++) {
      let start = process.hrtime.bigint();
      await runRemoteCommand(await exec(['true']), { stdout: new PassThrough().resume(), tty: false });
      streaming.push(ms(start));
      start = process.hrtime.bigint();
      await client.runtime('ExecSync', { container_id: id, cmd: ['true'], timeout: 10 });
      sync.push(ms(start));
    }
    console.log(`exec round trip (streaming Exec, SPDY): ${summary(streaming)}`);
    console.log(`exec round trip (ExecSync):             ${summary(sync)}`);

    const stdin = new PassThrough();
    let waiting: (() => void) | undefined;
    const stdout = new Writable({
      write: (_c, _e, done) => {
        waiting?.();
        done();
      },
    });
    const session = runRemoteCommand(await exec(['cat'], true), { stdin, stdout, tty: false });
    const keystrokes: number[] = [];
    for (let i = 0; i < runs * 10; i++) {
      const start = process.hrtime.bigint();
      await new Promise<void>((resolve) => {
        waiting = resolve;
        stdin.write('x');
      });
      keystrokes.push(ms(start));
    }
    stdin.end();
    await session;
    console.log(`keystroke echo in an exec session:      ${summary(keystrokes)}`);

    const bytes = 256 * 1024 * 1024;
    let received = 0;
    const start = process.hrtime.bigint();
    await runRemoteCommand(await exec(['head', '-c', String(bytes), '/dev/zero']), {
      stdout: new Writable({
        write: (c: Buffer, _e, done) => {
          received += c.length;
          done();
        },
      }),
      tty: false,
    });
    const seconds = ms(start) / 1000;
    console.log(
      `stdout throughput: ${(received / 1048576 / seconds).toFixed(0)} MiB/s (${received / 1048576} MiB in ${seconds.toFixed(2)} s)`,
    );
  } finally {
    await client.runtime('StopPodSandbox', { pod_sandbox_id: podId });
    await client.runtime('RemovePodSandbox', { pod_sandbox_id: podId });
    await stopWorld(world);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
