/**
 * Node files are stored relative to the pipeline file's folder; JupyterLab paths are
 * relative to the server root. These convert between the two (model path helpers).
 */
import { dirname, joinRelative, relativePath } from '../model';

/** Root-relative path of a node's file, or null when it would leave the server root. */
export function resolveNodePath(pipelinePath: string, filename: string): string | null {
  return joinRelative(dirname(pipelinePath), filename);
}

/** A root-relative file path as the node's `filename` (relative to the pipeline's folder). */
export function relativeToPipeline(pipelinePath: string, filePath: string): string {
  return relativePath(dirname(pipelinePath), filePath);
}
