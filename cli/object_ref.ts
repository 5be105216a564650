// Containers and pods as people name them: a full ID, the name they were created with (the CRI
// metadata name) or a unique ID prefix, in docker's order. A name that several objects share is
// refused with the IDs to choose from, a name nothing has as unknown; anything else goes to
// corrald as typed, which refuses an ambiguous prefix and answers NOT_FOUND for the rest.
import type { CommandContext } from './command';

export type ObjectKind = 'container' | 'pod';

interface Named {
  id: string;
  name: string;
}

export class AmbiguousNameError extends Error {}
export class UnknownNameError extends Error {}

async function listNamed(ctx: CommandContext, kind: ObjectKind): Promise<Named[]> {
  if (kind === 'container') {
    const { containers } = await ctx.client().runtime('ListContainers', {});
    return containers.map((c) => ({ id: c.id, name: c.metadata?.name ?? '' }));
  }
  const { items } = await ctx.client().runtime('ListPodSandbox', {});
  return items.map((p) => ({ id: p.id, name: p.metadata?.name ?? '' }));
}

/** The ID `ref` stands for among `objects`, or `ref` itself when it names none of them. */
export function pickId(ref: string, objects: Named[], kind: ObjectKind): string {
  if (objects.some((o) => o.id === ref)) return ref;
  const named = objects.filter((o) => o.name === ref);
  if (named.length > 1) {
    const ids = named.map((o) => o.id.slice(0, 13)).join(', ');
    throw new AmbiguousNameError(`${named.length} ${kind}s are named ${ref} (${ids}): use an ID`);
  }
  if (named.length === 1) return named[0].id;
  if (!/^[0-9a-f]{1,64}$/.test(ref)) throw new UnknownNameError(`no ${kind} is named ${ref}`);
  const prefixed = objects.filter((o) => o.id.startsWith(ref));
  return prefixed.length === 1 ? prefixed[0].id : ref;
}

/** Resolves every reference with one List call. */
export async function resolveIds(ctx: CommandContext, kind: ObjectKind, refs: string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const objects = await listNamed(ctx, kind);
  return refs.map((ref) => pickId(ref, objects, kind));
}

export async function resolveId(ctx: CommandContext, kind: ObjectKind, ref: string): Promise<string> {
  return (await resolveIds(ctx, kind, [ref]))[0];
}

/** Every container or pod ID (for --all). */
export async function allIds(ctx: CommandContext, kind: ObjectKind): Promise<string[]> {
  return (await listNamed(ctx, kind)).map((o) => o.id);
}
