// Kubernetes resource quantities ("10M", "1Gi", "500k"), as used by the bandwidth annotations.
import { InvalidArgumentError } from '../errors';

const SUFFIXES: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity's value as a whole number (rounded up, as Kubernetes rounds). */
export function parseQuantity(text: string, what: string): number {
  const match = /^([+]?[0-9]*\.?[0-9]+)(?:([eE][+-]?[0-9]+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`${what}: ${JSON.stringify(text)} is not a quantity`);
  const [, number, exponent, suffix] = match;
  const value = exponent ? Number(`${number}${exponent}`) : Number(number) * SUFFIXES[suffix ?? ''];
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`${what}: ${JSON.stringify(text)} is out of range`);
  return Math.ceil(value);
}
