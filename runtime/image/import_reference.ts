// How an OCI-layout import travels through PullImage: the image is "oci-layout:/abs/path" and
// an optional annotation names the repository for bare tags in the layout.
import { InvalidArgumentError } from '../errors';

export const OCI_LAYOUT_PREFIX = 'oci-layout:';
export const IMPORT_NAME_ANNOTATION = 'corral.io/import-name';

/** The layout path of an import reference, or undefined for an ordinary image reference. */
export function importPath(reference: string): string | undefined {
  if (!reference.startsWith(OCI_LAYOUT_PREFIX)) return undefined;
  const path = reference.slice(OCI_LAYOUT_PREFIX.length);
  if (!path.startsWith('/')) throw new InvalidArgumentError(`${reference}: an OCI layout path must be absolute`);
  return path;
}
