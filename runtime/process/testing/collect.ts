// Test-only: gathers everything a stream yields, read back as text at any time.
import type { Readable } from 'node:stream';

export function collect(stream: Readable | undefined): () => string {
  const chunks: Buffer[] = [];
  stream?.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}
