// Image references as requests carry them (PullImage, ImageStatus, RemoveImage, CreateContainer):
// bounded before anything parses them; the reference grammar itself lives in runtime/image.
import { checkMaxLength } from './text';

/** Far beyond any real reference (name 255, tag 128, digest 71, host 255). */
export const MAX_IMAGE_REFERENCE = 4096;

export function checkImageName(field: string, image: string): void {
  checkMaxLength(field, image, MAX_IMAGE_REFERENCE);
}
