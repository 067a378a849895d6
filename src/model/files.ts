/**
 * File checks that need the file system, through a caller-supplied `exists` (the
 * contents API in the browser, fs in the CLI). Paths in a pipeline are relative to the
 * pipeline file; dependencies are relative to the node's file. Nothing may point above
 * the server root.
 */
import { getNodeFilename, getNodeKind, getNodeParameters } from './access';
import { nodeDiagnostic } from './diagnostics';
import { flattenPipeline } from './flatten';
import { checkRelativePattern, dirname, isAbsolute, joinRelative, normalizeRelative } from './paths';
import type { IDiagnostic, INode, IPipelineFlowDocument } from './types';

const GLOB_CHARS = /[*?[\]{}]/;
const LEADING_SLASHES = /^\/+/;

export interface IResolvedPath {
  /** Root-relative, normalised path; null when it escapes the root or is absolute. */
  path: string | null;
  reason?: string;
}

/** Where a node's file lives, relative to the server root. */
export function resolveNodeFile(pipelinePath: string, filename: string): IResolvedPath {
  return resolveInPipelineDir(pipelineDir(pipelinePath), filename);
}

/** The pipeline file's directory, relative to the server root: where node file names start. */
export function pipelineDir(pipelinePath: string): string {
  return normalizeRelative(dirname(pipelinePath.replace(LEADING_SLASHES, ''))) ?? '';
}

/** resolveNodeFile with the pipeline's directory worked out (see pipelineDir): once for all nodes. */
export function resolveInPipelineDir(dir: string, filename: string): IResolvedPath {
  if (isAbsolute(filename)) {
    return { path: null, reason: `"${filename}" must be a path relative to the pipeline file` };
  }
  const path = joinRelative(dir, filename);
  return path === null ? { path: null, reason: `"${filename}" points outside the server root` } : { path };
}

/**
 * Missing files, and paths that escape the root, for every notebook/script node
 * (supernode contents included). `pipelinePath` is the .pipeline file's path relative to
 * the server root.
 */
export async function checkFiles(
  doc: IPipelineFlowDocument,
  pipelinePath: string,
  exists: (path: string) => Promise<boolean>
): Promise<IDiagnostic[]> {
  const cache = new Map<string, Promise<boolean>>();
  const check = (path: string) => {
    let pending = cache.get(path);
    if (!pending) {
      pending = exists(path).catch(() => false);
      cache.set(path, pending);
    }
    return pending;
  };
  const flat = flattenPipeline(doc);
  const jobs: Promise<IDiagnostic | null>[] = [];
  for (const node of flat.nodes) {
    if (getNodeKind(node) === null) {
      continue;
    }
    const pipelineId = flat.pipelineOf.get(node.id);
    const extra = pipelineId && pipelineId !== doc.primary_pipeline ? { pipelineId } : {};
    const filename = getNodeFilename(node);
    if (!filename) {
      continue; // reported by validatePipeline
    }
    const file = resolveNodeFile(pipelinePath, filename);
    if (file.path === null) {
      jobs.push(Promise.resolve(nodeDiagnostic(node, 'error', 'path-outside-root', 'filename', `${file.reason}.`, extra)));
      continue;
    }
    jobs.push(
      check(file.path).then(found =>
        found ? null : nodeDiagnostic(node, 'error', 'missing-file', 'filename', `the file "${filename}" does not exist (looked for ${file.path}).`, extra)
      )
    );
    jobs.push(...checkDependencies(node, file.path, check, extra));
  }
  const results = await Promise.all(jobs);
  return results.filter((d): d is IDiagnostic => d !== null);
}

function checkDependencies(
  node: INode,
  filePath: string,
  check: (path: string) => Promise<boolean>,
  extra: Partial<IDiagnostic>
): Promise<IDiagnostic | null>[] {
  const dependencies = getNodeParameters(node).dependencies;
  if (!Array.isArray(dependencies)) {
    return [];
  }
  const baseDir = dirname(filePath);
  const jobs: Promise<IDiagnostic | null>[] = [];
  for (const dependency of dependencies) {
    if (typeof dependency !== 'string' || dependency.trim() === '' || checkRelativePattern(dependency) !== null) {
      continue; // blank rows are ignored; absolute paths, '..' and line breaks are validatePipeline's
    }
    const path = joinRelative(baseDir, dependency.trim());
    if (path === null) {
      jobs.push(Promise.resolve(nodeDiagnostic(node, 'error', 'path-outside-root', 'dependencies', `"${dependency}" points outside the server root.`, extra)));
      continue;
    }
    if (GLOB_CHARS.test(dependency)) {
      continue; // patterns are expanded when the files are uploaded
    }
    jobs.push(
      check(path).then(found =>
        found ? null : nodeDiagnostic(node, 'error', 'missing-dependency', 'dependencies', `the dependency "${dependency}" does not exist (looked for ${path}).`, extra)
      )
    );
  }
  return jobs;
}
