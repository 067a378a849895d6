/**
 * Kubernetes-safe names from user labels: deterministic transliteration, DNS-1123
 * sanitising, length limits and collision suffixes.
 *
 * Tekton names a TaskRun `<pipelinerun>-<pipeline task>` and its pod `<taskrun>-pod`, and
 * hashes (knative `kmeta.ChildName`) whatever exceeds 63 characters. That is always valid
 * but unreadable, so we keep our names short enough that the usual case stays readable:
 * a pipeline name of at most 30 characters plus the 6 of generateName's `-xxxxx` and a
 * task name of at most 26 still fits 63; longer task names (up to 40) fall back to
 * Tekton's hashing, which is fine.
 */
import { PositionTable } from './positions';

/** Longest pipeline task name we generate (a DNS-1123 label allows 63). */
export const MAX_TASK_NAME = 40;
/** Longest pipeline name we generate; `<name>-` is the PipelineRun's generateName. */
export const MAX_PIPELINE_NAME = 30;
/** DNS-1123 label limit: pipeline task names, Tekton object names, label values. */
export const DNS1123_LABEL_MAX = 63;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(value);
}

/**
 * ASCII approximation of `text`: Latin letters lose their diacritics (NFKD), a few
 * letters without decomposition and Greek/Cyrillic are transliterated, everything else
 * is kept for the caller to strip. Pure function of the input (no locale).
 */
export function transliterate(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD')) {
    if (Private.COMBINING_MARK.test(ch)) {
      continue;
    }
    const mapped = Private.LETTERS[ch];
    if (mapped !== undefined) {
      out += mapped;
    } else {
      const lower = ch.toLowerCase();
      const mappedLower = Private.LETTERS[lower];
      out += mappedLower !== undefined && lower !== ch ? Private.capitalize(mappedLower) : ch;
    }
  }
  return out;
}

/**
 * A DNS-1123 label (lowercase alphanumerics and '-', starting and ending alphanumeric)
 * of at most `maxLength` characters, or '' when nothing usable is left.
 */
export function toDns1123Label(text: string, maxLength = DNS1123_LABEL_MAX): string {
  // ASCII (nearly every label) transliterates to itself: skip the per-character pass.
  const lower = (Private.isAscii(text) ? text : transliterate(text)).toLowerCase();
  // One pass instead of three replaces: runs of [a-z0-9] joined by one '-' (what
  // /[^a-z0-9]+/g → '-' and trimming outer dashes give), cut at maxLength, no dash at the
  // end. A label that is already one run (e.g. "train") is returned as it is.
  let result = '';
  let start = -1;
  for (let i = 0; i <= lower.length && result.length < maxLength; i++) {
    if (i < lower.length && Private.isAlphanumeric(lower.charCodeAt(i))) {
      if (start < 0) {
        start = i;
      }
    } else if (start >= 0) {
      result = result === '' ? lower.slice(start, i) : `${result}-${lower.slice(start, i)}`;
      start = -1;
    }
  }
  return result.length > maxLength ? result.slice(0, maxLength).replace(Private.TRAILING_DASHES, '') : result;
}

/** The file name without directories and extension: the fallback for an empty label. */
export function fileStem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * A node's name base: its label as a DNS-1123 label, else its file's stem, else ''
 * (then assignUniqueNames uses the fallback).
 */
export function nameBase(label: string, filePath: string, maxLength: number): string {
  return toDns1123Label(label, maxLength) || toDns1123Label(fileStem(filePath), maxLength);
}

/**
 * Unique DNS-1123 names for candidates with the given bases (already DNS-1123 labels of
 * at most `maxLength`; '' means none usable: `fallback` is used). Every base is first
 * given to the first candidate (in the order given; callers pass node-id order) that has
 * it, so a node keeps its natural name when others are added; the remaining candidates
 * get the smallest free `-2`, `-3`, … suffix, the base cut so the result still fits
 * `maxLength`. The names are returned in candidate order.
 */
export function assignUniqueNames(bases: string[], maxLength: number, fallback: string): string[] {
  const names: string[] = new Array(bases.length);
  for (let i = 0; i < bases.length; i++) {
    names[i] = bases[i] || fallback;
  }
  /** Positions of the candidates whose base an earlier one has (usually none). */
  const pending: number[] = [];
  const firsts = new PositionTable(names);
  for (let i = 0; i < names.length; i++) {
    if (firsts.add(i) >= 0) {
      pending.push(i);
    }
  }
  if (pending.length === 0) {
    return names;
  }
  // A suffixed name must differ from every base and every name given before it.
  const taken = new Set(names);
  for (const i of pending) {
    const base = names[i];
    let name = base;
    for (let n = 2; taken.has(name); n++) {
      const suffix = `-${n}`;
      name = base.slice(0, maxLength - suffix.length).replace(Private.TRAILING_DASHES, '') + suffix;
    }
    taken.add(name);
    names[i] = name;
  }
  return names;
}

/**
 * Like knative's `kmeta.ChildName`: `parent + suffix` when it fits 63 characters,
 * otherwise a readable head plus a hash of the whole, so distinct inputs stay distinct.
 */
export function childName(parent: string, suffix: string): string {
  const whole = parent + suffix;
  if (whole.length <= DNS1123_LABEL_MAX) {
    return whole;
  }
  const hash = stableHash(whole);
  const head = whole.slice(0, DNS1123_LABEL_MAX - hash.length - 1).replace(Private.TRAILING_DASHES, '');
  return `${head}-${hash}`;
}

/** 8 hex digits of FNV-1a over the UTF-16 code units; stable across platforms. */
export function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

namespace Private {
  export const COMBINING_MARK = /\p{M}/u;
  // Shared, not literals in the functions: a literal is a new RegExp object per call.
  export const TRAILING_DASHES = /-+$/;

  /** [a-z0-9] */
  export function isAlphanumeric(code: number): boolean {
    return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
  }

  export function isAscii(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  export function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  /** Lowercase letters NFKD leaves alone; uppercase forms are derived. */
  export const LETTERS: Record<string, string> = {
    // Latin letters without a decomposition
    ß: 'ss',
    æ: 'ae',
    œ: 'oe',
    ø: 'o',
    đ: 'd',
    ð: 'd',
    ħ: 'h',
    ı: 'i',
    ł: 'l',
    ŋ: 'ng',
    þ: 'th',
    // Greek
    α: 'a',
    β: 'v',
    γ: 'g',
    δ: 'd',
    ε: 'e',
    ζ: 'z',
    η: 'i',
    θ: 'th',
    ι: 'i',
    κ: 'k',
    λ: 'l',
    μ: 'm',
    ν: 'n',
    ξ: 'x',
    ο: 'o',
    π: 'p',
    ρ: 'r',
    σ: 's',
    ς: 's',
    τ: 't',
    υ: 'y',
    φ: 'f',
    χ: 'ch',
    ψ: 'ps',
    ω: 'o',
    // Cyrillic (Russian, Ukrainian, Belarusian)
    а: 'a',
    б: 'b',
    в: 'v',
    г: 'g',
    ґ: 'g',
    д: 'd',
    е: 'e',
    є: 'ye',
    ж: 'zh',
    з: 'z',
    и: 'i',
    і: 'i',
    ї: 'yi',
    й: 'y',
    к: 'k',
    л: 'l',
    м: 'm',
    н: 'n',
    о: 'o',
    п: 'p',
    р: 'r',
    с: 's',
    т: 't',
    у: 'u',
    ў: 'u',
    ф: 'f',
    х: 'kh',
    ц: 'ts',
    ч: 'ch',
    ш: 'sh',
    щ: 'shch',
    ъ: '',
    ы: 'y',
    ь: '',
    э: 'e',
    ю: 'yu',
    я: 'ya'
  };
}
