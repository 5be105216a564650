// Pushes a built image (blobs first, then child manifests, then the tagged manifest) with the
// distribution API, so tests need no external tool.
import type { BuiltImage } from './oci_image';
import type { RegistryCredentials, TestRegistry } from './registry_server';

export async function pushImage(
  registry: TestRegistry,
  image: BuiltImage,
  repository: string,
  tag: string,
): Promise<void> {
  const headers = authHeaders(registry.credentials);
  for (const child of image.children) await pushImage(registry, child, repository, child.digest);
  for (const [digest, data] of image.blobs) await pushBlob(registry.url, repository, digest, data, headers);
  const res = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: new Uint8Array(image.manifest),
    headers: { ...headers, 'Content-Type': image.mediaType },
  });
  await expectStatus(res, 201, `PUT manifest ${repository}:${tag}`);
}

async function pushBlob(
  base: string,
  repository: string,
  digest: string,
  data: Buffer,
  headers: Record<string, string>,
): Promise<void> {
  const head = await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: 'HEAD', headers });
  if (head.status === 200) return;
  const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  await expectStatus(start, 202, `start upload ${digest}`);
  const location = new URL(start.headers.get('location') ?? '', base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body: new Uint8Array(data),
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
  });
  await expectStatus(put, 201, `upload ${digest}`);
}

function authHeaders(credentials?: RegistryCredentials): Record<string, string> {
  if (!credentials) return {};
  const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return { Authorization: `Basic ${token}` };
}

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer().catch(() => undefined);
}
