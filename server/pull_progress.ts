// corral.v1.ProgressService/PullProgress: the per-layer progress of the pull in flight for an
// image (corralctl pull's display). Read-only, served on the CRI socket beside PullImage.
import type { PullProgressRequest__Output } from '../proto/generated/corral/v1/PullProgressRequest';
import type { PullProgressResponse } from '../proto/generated/corral/v1/PullProgressResponse';
import type { ServerContext } from './context';
import { InvalidArgumentError } from '../runtime/errors';

export async function pullProgress(
  ctx: ServerContext,
  request: PullProgressRequest__Output,
): Promise<PullProgressResponse> {
  const image = request.image.trim();
  if (!image) throw new InvalidArgumentError('PullProgress: image reference is required');
  const snapshot = ctx.images.pullProgress(image);
  if (!snapshot) return { found: false, reference: '', started_at: '0', layers: [] };
  return {
    found: true,
    reference: snapshot.reference,
    started_at: String(BigInt(snapshot.startedAt) * 1_000_000n),
    layers: snapshot.layers.map((l) => ({ digest: l.digest, size: String(l.size), fetched: String(l.fetched) })),
  };
}
