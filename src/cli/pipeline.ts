/**
 * Loading a pipeline file for a sub-command: read, parse, check files on disk, compile.
 * Every problem becomes a diagnostic; only an unreadable FILE or a bad --root is a
 * usage error.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { UsageError } from './args';
import { existsUnder } from './files';
import { compile, ICompileOptions, ICompileResult } from '../compiler';
import { checkFiles, IDiagnostic, parsePipeline } from '../compiler/model';

export interface ILoadedPipeline {
  /** FILE as given on the command line (for messages). */
  file: string;
  root: string;
  /** FILE relative to root, posix. */
  pipelinePath: string;
  /** Parse, file and compile diagnostics; errors mean "invalid pipeline". */
  diagnostics: IDiagnostic[];
  /** Null when the file could not be parsed. */
  result: ICompileResult | null;
}

/** --root, else the current directory when it holds FILE, else FILE's directory. */
export function chooseRoot(file: string, root: string | undefined): { root: string; pipelinePath: string } {
  const absolute = path.resolve(file);
  const inside = (dir: string) => {
    const relative = path.relative(dir, absolute);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : null;
  };
  let chosen: string;
  if (root !== undefined) {
    chosen = path.resolve(root);
    if (inside(chosen) === null) {
      throw new UsageError(`${file} is not inside --root ${root}`);
    }
  } else {
    chosen = inside(process.cwd()) !== null ? process.cwd() : path.dirname(absolute);
  }
  return { root: chosen, pipelinePath: (inside(chosen) as string).split(path.sep).join('/') };
}

export async function loadPipeline(
  file: string,
  options: ICompileOptions,
  settings: { root?: string; checkFiles: boolean }
): Promise<ILoadedPipeline> {
  const { root, pipelinePath } = chooseRoot(file, settings.root);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parsePipeline(text);
  if (!parsed.document) {
    return { file, root, pipelinePath, diagnostics: parsed.diagnostics, result: null };
  }
  const fileDiagnostics = settings.checkFiles ? await checkFiles(parsed.document, pipelinePath, existsUnder(root)) : [];
  const result = compile(parsed.document, { ...options, pipelinePath });
  // checkFiles and the compiler both see paths that leave the root; keep checkFiles' wording.
  const located = new Set(fileDiagnostics.map(d => `${d.code}\u0000${d.nodeId}\u0000${d.property}`));
  const compileDiagnostics = result.diagnostics.filter(d => !located.has(`${d.code}\u0000${d.nodeId}\u0000${d.property}`));
  const diagnostics = dedupe([...parsed.diagnostics, ...fileDiagnostics, ...compileDiagnostics]);
  return { file, root, pipelinePath, diagnostics, result };
}

function dedupe(diagnostics: IDiagnostic[]): IDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter(d => {
    const key = `${d.severity}\u0000${d.code}\u0000${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export function hasErrors(diagnostics: IDiagnostic[]): boolean {
  return diagnostics.some(d => d.severity === 'error');
}
