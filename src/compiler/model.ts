/**
 * Everything the compiler uses from the pipeline model, in one place. (The model's
 * index did not export validation, flattening and property resolution yet when this
 * was written; once it does, these lines import from '../model' instead.)
 */
export {
  basename,
  dirname,
  getNodeFilename,
  getNodeKind,
  getNodeLabel,
  getPrimaryPipeline,
  joinRelative,
  normalizeCpu,
  normalizeMemory,
  normalizeTimeout,
  parsePipeline
} from '../model';
export type { IDiagnostic, INode, IPipelineFlowDocument, IPipelineParameter, PipelineParameterType } from '../model';
export { validatePipeline } from '../model/validate';
export { flattenPipeline, topologicalOrder } from '../model/flatten';
export { getPipelineDefaults, resolveParameters } from '../model/resolve';
export { checkFiles, resolveNodeFile } from '../model/files';
