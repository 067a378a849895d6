/**
 * Posix path helpers (no `path` module: this code also runs in the browser).
 * Pipeline paths are always '/'-separated and relative to the Jupyter server root.
 */

// Regular expressions as module constants: a literal in a function body is a new RegExp
// object each time it runs, and these run for every node.
const TRAILING_SLASHES = /\/+$/;
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;
const LINE_BREAK = /[\r\n]/;
/** A ".." segment: between separators (either slash) or the ends. */
const PARENT_SEGMENT = /(^|[\\/])\.\.([\\/]|$)/;

export function basename(path: string): string {
  const trimmed = path.replace(TRAILING_SLASHES, '');
  const slash = trimmed.lastIndexOf('/');
  return slash === -1 ? trimmed : trimmed.slice(slash + 1);
}

/** Directory part of a path ('' for a bare file name). */
export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? (slash === 0 ? '/' : '') : path.slice(0, slash);
}

/** Lower-case extension including the dot ('.ipynb'), or ''. */
export function extname(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

/**
 * Normalises a relative path ('a/./b/../c' → 'a/c'). Returns null when the path climbs
 * above its starting point ('../x', 'a/../../x'): callers treat that as escaping the root.
 */
export function normalizeRelative(path: string): string | null {
  if (isNormal(path)) {
    return path; // nearly every path: no split and join
  }
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      if (out.length === 0) {
        return null;
      }
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

/** Whether splitting `path` at '/' gives no empty, '.' or '..' segment (it is already normal). */
function isNormal(path: string): boolean {
  // Usually no segment starts with '.' or is empty: native searches tell, without the
  // per-character scan below (which handles '.hidden' and the like).
  if (path.length > 0 && path.charCodeAt(0) !== 0x2e && path.charCodeAt(0) !== 0x2f && path.charCodeAt(path.length - 1) !== 0x2f && !path.includes('/.') && !path.includes('//')) {
    return true;
  }
  let segment = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 0x2f) {
      const length = i - segment;
      if (length === 0 || (path.charCodeAt(segment) === 0x2e && (length === 1 || (length === 2 && path.charCodeAt(segment + 1) === 0x2e)))) {
        return false;
      }
      segment = i + 1;
    }
  }
  return true;
}

/** Joins a base directory and a relative path and normalises; null if it escapes. */
export function joinRelative(baseDir: string, relative: string): string | null {
  return normalizeRelative(baseDir ? `${baseDir}/${relative}` : relative);
}

export function isAbsolute(path: string): boolean {
  return path.startsWith('/') || WINDOWS_DRIVE.test(path);
}

/**
 * A mount path as Elyra mounts it (VolumeMount.add_to_execution_object): "/" plus the
 * path without leading or trailing slashes, so "mnt/data/" is mounted at "/mnt/data".
 */
export function normalizeMountPath(path: string): string {
  return `/${path.trim().replace(/^\/+|\/+$/g, '')}`;
}

/**
 * Why a dependency or output entry cannot be used, or null. Entries are relative paths
 * or globs that stay where they start: the node file's directory (dependencies, as
 * Elyra's archive only takes files below it) or the working directory (outputs). One
 * entry is one line: outputs travel newline-separated to the save step.
 */
export function checkRelativePattern(pattern: string): string | null {
  if (LINE_BREAK.test(pattern)) {
    return 'contains a line break';
  }
  if (pattern.includes('\0')) {
    return 'contains a NUL character';
  }
  if (isAbsolute(pattern.trim())) {
    return 'is an absolute path';
  }
  if (PARENT_SEGMENT.test(pattern.trim())) {
    return 'contains a ".." segment';
  }
  return null;
}

/** Relative path from directory `fromDir` to `to` (both root-relative, normalised). */
export function relativePath(fromDir: string, to: string): string {
  const from = fromDir ? fromDir.split('/') : [];
  const target = to ? to.split('/') : [];
  let common = 0;
  while (common < from.length && common < target.length - 1 && from[common] === target[common]) {
    common++;
  }
  const ups = from.slice(common).map(() => '..');
  return [...ups, ...target.slice(common)].join('/');
}
