/**
 * Kubernetes resource quantities (`resource.Quantity`) and Elyra's resource numbers.
 * Elyra writes cpu as a number of CPUs and memory as a number of GB (`"<n>G"` in
 * Kubernetes terms); we also accept quantity strings such as "500m" or "2Gi".
 */

/** Grammar of apimachinery's `resource.ParseQuantity` (no whitespace, "K" is not a suffix). */
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
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
  Ei: 2 ** 60
};

/** The quantity's value in base units (CPUs, bytes), or null when it does not parse. */
export function quantityValue(text: string): number | null {
  const match = QUANTITY.exec(text);
  if (!match) {
    return null;
  }
  const [, number, suffix = ''] = match;
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix];
  return Number(number) * multiplier;
}

export type QuantityResult = { quantity: string } | { error: string };

/** Elyra's unit for a bare number of each resource. */
export type ResourceUnit = 'cpu' | 'memory';

/**
 * Normalises a cpu or memory setting to a positive Kubernetes quantity string.
 * Numbers (and numeric strings) are CPUs for cpu and GB for memory, as in Elyra.
 */
export function normaliseQuantity(value: unknown, unit: ResourceUnit): QuantityResult {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      return { error: `${String(value)} is not a number` };
    }
    text = Private.formatNumber(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return { error: `expected a number or a quantity string, got ${Private.describe(value)}` };
  }
  if (/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(text) && unit === 'memory') {
    text = `${Private.formatNumber(Number(text))}G`;
  } else if (/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(text)) {
    text = Private.formatNumber(Number(text));
  }
  const amount = quantityValue(text);
  if (amount === null) {
    return { error: `"${text}" is not a Kubernetes quantity (e.g. ${unit === 'cpu' ? '"2", "500m"' : '"4G", "512Mi"'})` };
  }
  if (!(amount > 0)) {
    return { error: `must be greater than 0, got "${text}"` };
  }
  return { quantity: text };
}

export type CountResult = { count: number } | { error: string };

/** A non-negative whole number of devices (GPUs); numeric strings accepted. */
export function normaliseCount(value: unknown): CountResult {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) {
    return { error: `expected a whole number ≥ 0, got ${Private.describe(value)}` };
  }
  return { count: number };
}

namespace Private {
  /** Plain decimal notation (no exponent) so the result is also a valid quantity. */
  export function formatNumber(value: number): string {
    const text = String(value);
    if (!/e/i.test(text)) {
      return text;
    }
    return value.toFixed(12).replace(/\.?0+$/, '');
  }

  export function describe(value: unknown): string {
    return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  }
}
