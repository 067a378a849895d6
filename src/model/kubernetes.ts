/**
 * Kubernetes value rules (names, label keys/values, quantities) and the unit conventions
 * of Elyra's node properties. Shared by validation and the compiler so that what the
 * editor accepts is exactly what gets compiled.
 */

/** DNS-1123 subdomain: Secret and PVC names. */
export const DNS1123_SUBDOMAIN_PATTERN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Keys inside a Secret. */
export const SECRET_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';
/** Label and annotation keys: optional DNS prefix + '/' + name. */
export const QUALIFIED_NAME_PATTERN =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';
export const LABEL_VALUE_PATTERN = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';
/**
 * Environment variable names as Kubernetes validated them up to 1.29 (and what shells
 * and os.environ handle without surprises).
 */
export const ENV_VAR_NAME_PATTERN = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';
/** A Kubernetes quantity without sign: 2, 0.5, 500m, 4Gi, 1e3. */
export const QUANTITY_PATTERN =
  '^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$';
/** Go duration as Tekton accepts for timeouts: 1h30m, 45s, 1.5h. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';

const DNS1123_SUBDOMAIN = new RegExp(DNS1123_SUBDOMAIN_PATTERN);
const QUALIFIED_NAME = new RegExp(QUALIFIED_NAME_PATTERN);
const LABEL_VALUE = new RegExp(LABEL_VALUE_PATTERN);
const QUANTITY = new RegExp(QUANTITY_PATTERN);
const DURATION = new RegExp(DURATION_PATTERN);

export function isDns1123Subdomain(name: string): boolean {
  return name.length > 0 && name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** Why `key` is not a valid label/annotation key, or null. */
export function checkQualifiedName(key: string): string | null {
  if (!key) {
    return 'the key is empty';
  }
  if (!QUALIFIED_NAME.test(key)) {
    return 'a key is an optional DNS prefix and "/" followed by letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? '' : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix.length > 253) {
    return 'the key prefix is longer than 253 characters';
  }
  if (name.length > 63) {
    return 'the key name (after any prefix) is longer than 63 characters';
  }
  return null;
}

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

const DECIMAL_SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18
};
const BINARY_SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60
};

/** Value of a Kubernetes quantity string in base units, or null if malformed. */
export function parseQuantity(text: string): number | null {
  const trimmed = text.trim();
  if (!QUANTITY.test(trimmed)) {
    return null;
  }
  const match = /^([0-9.]+)(.*)$/.exec(trimmed);
  if (!match) {
    return null;
  }
  const number = Number(match[1]);
  const suffix = match[2];
  if (Number.isNaN(number)) {
    return null;
  }
  if (suffix in BINARY_SUFFIX) {
    return number * BINARY_SUFFIX[suffix];
  }
  if (suffix in DECIMAL_SUFFIX) {
    return number * DECIMAL_SUFFIX[suffix];
  }
  if (/^[eE]/.test(suffix)) {
    return number * 10 ** Number(suffix.slice(1));
  }
  return null;
}

function isNumericText(value: string): boolean {
  return /^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$/.test(value);
}

/**
 * A CPU property (Elyra: a number of CPUs; ours also: a quantity such as "500m") as a
 * Kubernetes quantity string, or null if it is not a valid positive amount.
 */
export function normalizeCpu(value: unknown): string | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value > 0 ? String(value) : null;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const amount = parseQuantity(value);
    return amount !== null && amount > 0 ? value.trim() : null;
  }
  return null;
}

/**
 * A memory property as a Kubernetes quantity. A bare number (or numeric string) means
 * gigabytes, as in Elyra (memory: 2 → "2G"); a string with a suffix ("512Mi") is taken
 * as is.
 */
export function normalizeMemory(value: unknown): string | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value > 0 ? `${value}G` : null;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const trimmed = value.trim();
    if (isNumericText(trimmed)) {
      return Number(trimmed) > 0 ? `${Number(trimmed)}G` : null;
    }
    const amount = parseQuantity(trimmed);
    return amount !== null && amount > 0 ? trimmed : null;
  }
  return null;
}

/** CPU amount in cores (for comparing request and limit), or null. */
export function cpuAmount(value: unknown): number | null {
  const quantity = normalizeCpu(value);
  return quantity === null ? null : parseQuantity(quantity);
}

/** Memory amount in bytes (for comparing request and limit), or null. */
export function memoryAmount(value: unknown): number | null {
  const quantity = normalizeMemory(value);
  return quantity === null ? null : parseQuantity(quantity);
}

/**
 * A timeout property as a Go duration: strings must already be durations ("1h30m"),
 * numbers are minutes (90 → "90m"). Null when invalid or not positive.
 */
export function normalizeTimeout(value: unknown): string | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value > 0 ? `${value}m` : null;
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (isNumericText(trimmed)) {
      return Number(trimmed) > 0 ? `${Number(trimmed)}m` : null;
    }
    return DURATION.test(trimmed) && durationSeconds(trimmed)! > 0 ? trimmed : null;
  }
  return null;
}

const DURATION_UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600
};

/** Seconds in a Go duration string, or null. */
export function durationSeconds(duration: string): number | null {
  if (!DURATION.test(duration)) {
    return null;
  }
  let total = 0;
  const part = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;
  let match: RegExpExecArray | null;
  while ((match = part.exec(duration)) !== null) {
    total += Number(match[1]) * DURATION_UNIT_SECONDS[match[2]];
  }
  return total;
}
