// Asks V8 for the collection it makes under memory pressure: a full one that compacts the heap
// and gives back the pages it emptied (after 500 pods made and removed, ~30 MiB of committed
// heap). Node 20 has no call for it: gc() needs --expose-gc and makes a plain collection that
// leaves most emptied pages committed. node exports V8's embedder API to addons, so the call is
// made through that. It is made from the thread pool, as V8 allows: V8 then interrupts the main
// thread at its next safe point and collects there.
import koffi, { type KoffiFunc } from 'koffi';
import { NativeError } from './errors';

/** v8::MemoryPressureLevel::kCritical. */
const CRITICAL = 2;

interface V8Isolate {
  /** v8::Isolate::GetCurrent(): the isolate of the calling thread. */
  current: KoffiFunc<() => unknown>;
  /** v8::Isolate::MemoryPressureNotification(level). */
  notify: KoffiFunc<(isolate: unknown, level: number) => void>;
}

let bound: V8Isolate | undefined;

function bind(): V8Isolate {
  try {
    const node = koffi.load(null); // the process's own program: node, with V8 in it
    return {
      current: node.func('void *_ZN2v87Isolate10GetCurrentEv()') as V8Isolate['current'],
      notify: node.func(
        'void _ZN2v87Isolate26MemoryPressureNotificationENS_19MemoryPressureLevelE(void *isolate, int level)',
      ) as V8Isolate['notify'],
    };
  } catch (err) {
    throw new NativeError(`V8's memory pressure call is not exported by this node: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Resolves once V8 has been told of critical memory pressure; the collection it asks for runs on
 * this (the main) thread before the promise's callbacks. Call it on the main thread.
 */
export function collectUnderMemoryPressure(): Promise<void> {
  bound ??= bind();
  const isolate = bound.current();
  return new Promise((resolve, reject) => {
    bound!.notify.async(isolate, CRITICAL, (err: Error | null) => (err ? reject(err) : resolve()));
  });
}
