/**
 * The JSON handed to the Python side (`python -m jupyterlab_tekton run-local | submit`)
 * on stdin; see README.md. snake_case at the top level like the server's REST models,
 * the compiler's own objects (ir, uploads, documents) unchanged.
 */
import type { ICompileResult, IRPipeline, IUpload } from '../compiler';
import type { ILoadedPipeline } from './pipeline';

export interface IRunBundle {
  ir: IRPipeline;
  uploads: IUpload[];
  /** The .pipeline file relative to the root directory (posix). */
  pipeline_path: string;
  /** Overrides of ir.parameters values; the CLI resolves --param at compile time, so {}. */
  parameters: Record<string, never>;
}

export interface ISubmitBundle extends IRunBundle {
  /** Objects to create, in order (the PipelineRun last). */
  documents: Record<string, unknown>[];
}

export function runBundle(loaded: ILoadedPipeline): IRunBundle {
  const result = loaded.result as ICompileResult;
  return {
    ir: result.ir as IRPipeline,
    uploads: result.uploads,
    pipeline_path: loaded.pipelinePath,
    parameters: {}
  };
}

export function submitBundle(loaded: ILoadedPipeline): ISubmitBundle {
  return { ...runBundle(loaded), documents: (loaded.result as ICompileResult).documents };
}
