/**
 * What the submitter puts in object storage under `<pipeline>/<run-id>/` before the run
 * starts: the runner once per run, and each node's file bundle (see steps/README.md).
 */
import { RUNNER_KEY, SOURCES_PREFIX, STEP_FILE_NAMES, stepFile } from './steps';
import type { IRPipeline, IUpload } from './types';

export function buildUploads(ir: IRPipeline): IUpload[] {
  const uploads: IUpload[] = new Array(ir.nodes.length + 1);
  uploads[0] = { kind: 'content', key: RUNNER_KEY, content: stepFile(STEP_FILE_NAMES.runner) };
  for (let i = 0; i < ir.nodes.length; i++) {
    const node = ir.nodes[i];
    const fileName = node.baseDir ? node.file.slice(node.baseDir.length + 1) : node.file;
    uploads[i + 1] = {
      kind: 'files',
      keyPrefix: `${SOURCES_PREFIX}${node.taskName}/`,
      taskName: node.taskName,
      nodeId: node.id,
      baseDir: node.baseDir,
      // The node file, then its dependency globs (most nodes have none: no spread).
      patterns: node.dependencies.length ? [fileName].concat(node.dependencies) : [fileName],
      includeSubdirectories: node.includeSubdirectories
    };
  }
  return uploads;
}
