// A streaming service on loopback over the host-process backend, plus small client helpers, for
// tests that go through the real protocols.
import { Readable, Writable, PassThrough } from 'node:stream';
import { HostProcessBackend } from '../../../runtime/streaming/testing/host_process_backend';
import type { ServerContext } from '../../context';
import { defaultConfig } from '../../config/config';
import { NodeRuntimeSettings } from '../../../runtime/node_settings';
import { StreamingService, type StreamingServiceSettings } from '../service';

export interface StreamingFixture {
  backend: HostProcessBackend;
  service: StreamingService;
  ctx: ServerContext;
}

export async function startFixture(settings: Partial<StreamingServiceSettings> = {}): Promise<StreamingFixture> {
  const backend = new HostProcessBackend();
  const service = await StreamingService.start(
    { address: '127.0.0.1', port: 0, idleTimeoutMs: 60_000, ...settings },
    backend,
  );
  const ctx = {
    config: defaultConfig(),
    version: 'test',
    nodeSettings: {} as NodeRuntimeSettings,
    streaming: service,
  } as ServerContext;
  return { backend, service, ctx };
}

/** A writable that keeps what it got and can wait for some text to show up. */
export class Collector extends Writable {
  text = '';
  private waiters: Array<{ needle: string; resolve: () => void }> = [];

  constructor() {
    super({
      write: (chunk: Buffer, _encoding, done) => {
        this.text += chunk.toString('utf8');
        this.waiters = this.waiters.filter((w) => (this.text.includes(w.needle) ? (w.resolve(), false) : true));
        done();
      },
    });
  }

  waitFor(needle: string): Promise<void> {
    if (this.text.includes(needle)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ needle, resolve }));
  }
}

export function textInput(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}

export function openInput(): PassThrough {
  return new PassThrough();
}

/** Polls `check` until it holds (cleanup happens asynchronously); fails after `limitMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
