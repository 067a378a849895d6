/** Everything the compiler and the CLI use from the pipeline model, in one place. */
export {
  checkFiles,
  checkRelativePattern,
  dirname,
  flattenPipeline,
  getNodeFilename,
  getNodeKind,
  getNodeLabel,
  getPipelineDefaults,
  getPrimaryPipeline,
  joinRelative,
  kindForFile,
  normalizeCpu,
  normalizeMemory,
  normalizeMountPath,
  normalizeTimeout,
  parsePipeline,
  pipelineDir,
  resolveInPipelineDir,
  successorLists,
  utf8Length,
  validatePipeline
} from '../model';
export type { IDiagnostic, INode, IPipelineFlowDocument, IPipelineParameter, IValidationReuse, PipelineParameterType } from '../model';
