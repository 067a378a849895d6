/**
 * A Tekton submission from a pipeline document and a runtime configuration: compile with
 * the configuration's values (separate objects when an embedded run would be too large),
 * and either the request body for POST /tekton/runs/tekton or the compile errors that
 * block it. No DOM, no server: tested on its own.
 */
import { compile } from '../compiler';
import type { IDiagnostic, IPipelineFlowDocument } from '../model/types';
import type { Tekton } from '../services';
import { compileOptionsFromConfig } from './options';

export type Submission =
  | { ok: true; request: Tekton.ICreateTektonRun; warnings: IDiagnostic[] }
  | { ok: false; errors: IDiagnostic[] };

export function prepareSubmission(
  document: IPipelineFlowDocument,
  config: Tekton.IDescribeRuntimeConfig,
  pipelinePath: string
): Submission {
  const result = compile(document, { ...compileOptionsFromConfig(config, pipelinePath), separateWhenTooLarge: true });
  const errors = result.diagnostics.filter(d => d.severity === 'error');
  if (errors.length || !result.ir || !result.documents.length) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    warnings: result.diagnostics.filter(d => d.severity === 'warning'),
    request: {
      runtime_config: config.name,
      ir: result.ir,
      uploads: result.uploads,
      documents: result.documents,
      pipeline_path: pipelinePath
    }
  };
}
