/**
 * Go durations (`time.ParseDuration` / `Duration.String`), the format of Tekton's
 * `timeout` fields (metav1.Duration). Nanoseconds are BigInts so long timeouts stay exact.
 */

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5 micro sign
  'μs': 1000n, // U+03BC Greek mu
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n
};

/** Go's time.Duration is an int64 of nanoseconds. */
const MAX_NANOS = (1n << 63n) - 1n;

export type DurationResult = { nanos: bigint } | { error: string };

/** Parses a Go duration ("1h30m", "90s", "1.5h", "0"); a sign is accepted as Go does. */
export function parseGoDuration(text: string): DurationResult {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') {
    return { nanos: 0n };
  }
  if (rest === '') {
    return { error: `invalid duration "${text}"` };
  }
  const part = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/;
  let total = 0n;
  while (rest !== '') {
    const match = part.exec(rest);
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) {
      return { error: `invalid duration "${text}" (use a Go duration such as "30m" or "1h30m")` };
    }
    const [whole, intPart, fracPart = '', unit] = match;
    const scale = UNIT_NANOS[unit];
    let nanos = BigInt(intPart || '0') * scale;
    if (fracPart !== '') {
      // Go truncates the fraction to nanosecond precision.
      nanos += (BigInt(fracPart) * scale) / 10n ** BigInt(fracPart.length);
    }
    total += nanos;
    if (total > MAX_NANOS) {
      return { error: `duration "${text}" is too long` };
    }
    rest = rest.slice(whole.length);
  }
  return { nanos: negative ? -total : total };
}

/** Go's `Duration.String()`: "1h30m0s", "1.5s", "500ms", "0s". */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) {
    return '0s';
  }
  const sign = nanos < 0n ? '-' : '';
  let u = nanos < 0n ? -nanos : nanos;
  if (u < 1000000000n) {
    // Below one second Go picks the largest unit that keeps an integer part.
    const [unit, scale] = u < 1000n ? ['ns', 1n] : u < 1000000n ? ['µs', 1000n] : ['ms', 1000000n];
    return sign + Private.fraction(u, scale) + unit;
  }
  const hours = u / 3600000000000n;
  u -= hours * 3600000000000n;
  const minutes = u / 60000000000n;
  u -= minutes * 60000000000n;
  let text = Private.fraction(u, 1000000000n) + 's';
  if (hours > 0n || minutes > 0n) {
    text = `${minutes}m` + text;
  }
  if (hours > 0n) {
    text = `${hours}h` + text;
  }
  return sign + text;
}

namespace Private {
  /** `value / scale` as a decimal without trailing zeros. */
  export function fraction(value: bigint, scale: bigint): string {
    const whole = value / scale;
    const rest = value % scale;
    if (rest === 0n) {
      return whole.toString();
    }
    const digits = (scale.toString().length - 1);
    const frac = rest.toString().padStart(digits, '0').replace(/0+$/, '');
    return `${whole}.${frac}`;
  }
}
