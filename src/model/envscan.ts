/**
 * Environment variables a notebook or script reads, so that adding a file to the canvas
 * can pre-fill its env var list. Static and approximate on purpose: literal names only.
 */
import { isPlainObject } from './json';
import type { NodeKind } from './types';

const NAME = '([A-Za-z_][A-Za-z0-9_]*)';
const QUOTED = `(["'])${NAME}\\1`;

const PYTHON_PATTERNS = [
  // os.environ["X"] / environ['X'] — but not assignments (os.environ["X"] = ...).
  new RegExp(`\\benviron\\s*\\[\\s*${QUOTED}\\s*\\](?!\\s*=[^=])`, 'g'),
  new RegExp(`\\benviron\\s*\\.\\s*get\\s*\\(\\s*${QUOTED}`, 'g'),
  new RegExp(`\\bgetenv\\s*\\(\\s*${QUOTED}`, 'g')
];
const R_CALL = /\bSys\.getenv\s*\(([^)]*)\)/g;
const R_NAME = new RegExp(QUOTED, 'g');

/** Removes whole-line comments (# ...), which often show example code. */
function stripCommentLines(source: string): string {
  return source
    .split('\n')
    .filter(line => !line.trimStart().startsWith('#'))
    .join('\n');
}

function scanPython(source: string, found: Set<string>): void {
  const code = stripCommentLines(source);
  for (const pattern of PYTHON_PATTERNS) {
    pattern.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(code)) !== null) {
      found.add(match[2]);
    }
  }
}

function scanR(source: string, found: Set<string>): void {
  const code = stripCommentLines(source);
  R_CALL.lastIndex = 0;
  let call: RegExpExecArray | null;
  while ((call = R_CALL.exec(code)) !== null) {
    // Sys.getenv("X"), Sys.getenv(x = "X"), Sys.getenv(c("A", "B")); stop at unset=/names=.
    const args = call[1].split(/\b(?:unset|names)\s*=/)[0];
    R_NAME.lastIndex = 0;
    let name: RegExpExecArray | null;
    while ((name = R_NAME.exec(args)) !== null) {
      found.add(name[2]);
    }
  }
}

/** Code cells of notebook JSON text, or null when the text is not a notebook. */
function notebookCode(text: string): string[] | null {
  let notebook: unknown;
  try {
    notebook = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(notebook) || !Array.isArray(notebook.cells)) {
    return null;
  }
  return notebook.cells
    .filter(cell => isPlainObject(cell) && cell.cell_type === 'code')
    .map(cell => (Array.isArray(cell.source) ? cell.source.join('') : typeof cell.source === 'string' ? cell.source : ''))
    // IPython magics and shell escapes are not Python.
    .map((source: string) => source.split('\n').filter((line: string) => !/^\s*[%!]/.test(line)).join('\n'));
}

/**
 * Sorted, unique names of environment variables read by `source`: os.environ["X"],
 * os.environ.get("X"), os.getenv("X") in Python; Sys.getenv("X") in R. Notebooks may be
 * given as .ipynb JSON text (only code cells are scanned, in both languages).
 */
export function scanEnvVarReferences(source: string, kind: NodeKind): string[] {
  const found = new Set<string>();
  if (typeof source !== 'string') {
    return [];
  }
  if (kind === 'notebook') {
    const cells = notebookCode(source) ?? [source];
    for (const cell of cells) {
      scanPython(cell, found);
      scanR(cell, found);
    }
  } else if (kind === 'python') {
    scanPython(source, found);
  } else {
    scanR(source, found);
  }
  return [...found].sort();
}
