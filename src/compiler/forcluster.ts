/**
 * Compiling for a submission, where the output goes straight to a cluster: one embedded
 * PipelineRun as usual, but separate Task + Pipeline + PipelineRun objects when the
 * embedded run would be too large for Tekton to start (its status copy of the spec would
 * exceed etcd's request limit; see size.ts). Export keeps the user's explicit choice.
 */
import { compile } from './index';
import type { ICompileOptions, ICompileResult } from './types';

export const SEPARATE_OBJECTS_CHOSEN = 'separate-objects';

export function compileForCluster(document: Parameters<typeof compile>[0], options: ICompileOptions = {}): ICompileResult {
  const embedded = compile(document, options);
  const tooLarge = embedded.diagnostics.find(d => d.code === 'status-too-large');
  if (options.separateObjects || !tooLarge) {
    return embedded;
  }
  const separate = compile(document, { ...options, separateObjects: true });
  if (separate.diagnostics.some(d => d.severity === 'error')) {
    return embedded;
  }
  return {
    ...separate,
    diagnostics: [
      ...separate.diagnostics,
      {
        severity: 'warning',
        code: SEPARATE_OBJECTS_CHOSEN,
        message:
          `Submitted as separate Task and Pipeline objects: ${tooLarge.message.split('. ')[0]}, ` +
          'too large for Tekton to run as one embedded PipelineRun. The Tasks and the Pipeline are created or ' +
          'replaced in the namespace under their own names.'
      }
    ]
  };
}
