// The kernel's list format for CPUs and memory nodes ("0-3,8,10-11").
import { InvalidArgumentError } from '../errors';

/** Parses a list; throws InvalidArgumentError naming `field` on bad syntax. */
export function parseCpuList(text: string, field: string): number[] {
  const out: number[] = [];
  const trimmed = text.trim();
  if (trimmed === '') return out;
  for (const part of trimmed.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) throw new InvalidArgumentError(`${field}: ${JSON.stringify(text)} is not a list like "0-3,5"`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last - first > 65536)
      throw new InvalidArgumentError(`${field}: bad range ${JSON.stringify(part)}`);
    for (let i = first; i <= last; i++) out.push(i);
  }
  return out;
}
