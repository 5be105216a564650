// Shared pieces of the image conformance tests: a corrald on temp roots, and what it stored.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { Corrald, type CorraldOptions } from '../harness/corrald';
import { CriCallError } from '../../cli/cri_client';

export async function startCorrald(t: TestContext, options: CorraldOptions = {}): Promise<Corrald> {
  const daemon = await Corrald.start(options);
  t.after(async () => {
    await daemon.stop();
    await daemon.removeDirs();
  });
  return daemon;
}

/** Blob and layer files under the daemon's root: a failed pull must leave none. */
export function storedFiles(daemon: Corrald): string[] {
  const dir = (...p: string[]) => path.join(daemon.dirs.root, 'image', ...p);
  const list = (d: string) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  };
  return [...list(dir('content', 'blobs', 'sha256')), ...list(dir('layers')), ...list(dir('records'))];
}

export async function pull(daemon: Corrald, image: string, auth?: Record<string, string>): Promise<string> {
  const res = await daemon.client.image('PullImage', { image: { image }, auth: auth ?? null });
  return res.image_ref;
}

/** The gRPC code name and details of a call that must fail. */
export async function failure(call: Promise<unknown>): Promise<{ code: string; details: string }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof CriCallError) {
      const { status } = await import('@grpc/grpc-js');
      return { code: status[err.code], details: err.details };
    }
    throw err;
  }
  throw new Error('call succeeded but was expected to fail');
}
