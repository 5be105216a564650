// Formatting shared by the image commands.

/** "docker.io/library/busybox:1.36" → ["docker.io/library/busybox", "1.36"]. */
export function splitRepoTag(tag: string): [string, string] {
  const colon = tag.lastIndexOf(':');
  if (colon < 0 || colon < tag.lastIndexOf('/')) return [tag, '<none>'];
  return [tag.slice(0, colon), tag.slice(colon + 1)];
}

/** Sizes as crictl prints them (decimal units). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${units[unit]}`;
}
