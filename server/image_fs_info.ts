// ImageFsInfo: bytes and inodes of the image store and of the containers' writable layers.
import type { ImageFsInfoResponse } from '../proto/generated/runtime/v1/ImageFsInfoResponse';
import type { FilesystemUsage } from '../proto/generated/runtime/v1/FilesystemUsage';
import type { FsUsage } from '../runtime/image/image_service';
import type { ServerContext } from './context';

export async function imageFsInfo(ctx: ServerContext): Promise<ImageFsInfoResponse> {
  const usage = await ctx.images.fsInfo();
  const timestamp = String(BigInt(Date.now()) * 1_000_000n);
  return {
    image_filesystems: [toCri(usage.image, timestamp)],
    container_filesystems: [toCri(usage.container, timestamp)],
  };
}

function toCri(u: FsUsage, timestamp: string): FilesystemUsage {
  return {
    timestamp,
    fs_id: { mountpoint: u.mountpoint },
    used_bytes: { value: String(u.bytes) },
    inodes_used: { value: String(u.inodes) },
  };
}
