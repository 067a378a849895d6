/**
 * What the submitter puts in object storage under `<pipeline>/<run-id>/` before the run
 * starts: the runner once per run, and each node's file bundle (see steps/README.md).
 */
import { RUNNER_KEY, SOURCES_PREFIX, STEP_FILE_NAMES, stepFile } from './steps';
import type { IRPipeline, IUpload } from './types';

export function buildUploads(ir: IRPipeline): IUpload[] {
  const uploads: IUpload[] = [{ kind: 'content', key: RUNNER_KEY, content: stepFile(STEP_FILE_NAMES.runner) }];
  for (const node of ir.nodes) {
    const fileName = node.baseDir ? node.file.slice(node.baseDir.length + 1) : node.file;
    uploads.push({
      kind: 'files',
      keyPrefix: `${SOURCES_PREFIX}${node.taskName}/`,
      taskName: node.taskName,
      nodeId: node.id,
      baseDir: node.baseDir,
      patterns: [fileName, ...node.dependencies],
      includeSubdirectories: node.includeSubdirectories
    });
  }
  return uploads;
}
