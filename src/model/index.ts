/**
 * The pipeline model: pipeline-flow v3 documents as Elyra writes them, read/write,
 * migrations, pure graph operations, validation. No JupyterLab, React, Lumino or DOM.
 */
export * from './types';
export { parsePipeline, serializePipeline, DEFAULT_MAX_BYTES } from './parse';
export type { IParseOptions, IParseResult } from './parse';
export { migratePipeline, getAppDataVersion } from './migrate';
export type { IMigrationResult } from './migrate';
export { createPipeline, createNode, kindForFile, PIPELINE_FLOW_SCHEMA_URL } from './create';
export type { INewNodeOptions } from './create';
export {
  findNode,
  getComments,
  getLinks,
  getNodeFilename,
  getNodeKind,
  getNodeLabel,
  getNodeParameters,
  getNodes,
  getPipeline,
  getPipelineLinks,
  getPrimaryPipeline
} from './access';
export type { ILinkInfo } from './access';
export {
  addNode,
  connect,
  disconnect,
  getPrimaryNodes,
  moveNodes,
  removeNodes,
  setNodeLabel,
  setNodeProperties,
  setNodeProperty,
  setPipelineDefault,
  setPipelineProperty,
  wouldCreateCycle
} from './graph';
export type { ConnectErrorCode, ConnectResult, IAddNodeOptions, IConnectOptions } from './graph';
export { hasErrors, mergeDiagnostics } from './diagnostics';
export {
  INHERITABLE_PROPERTIES,
  PARAMETER_NAME_PATTERN,
  nodePropertiesSchema,
  nodePropertiesUiSchema,
  pipelineParameterSchema,
  pipelinePropertiesSchema,
  pipelinePropertiesUiSchema
} from './schema';
export type { IJsonSchema, JsonSchemaType } from './schema';
export { checkSchema } from './schemaCheck';
export type { ISchemaProblem } from './schemaCheck';
export { checkImageReference, IMAGE_REFERENCE_PATTERN } from './image';
export {
  checkQualifiedName,
  cpuAmount,
  durationSeconds,
  isDns1123Subdomain,
  isLabelValue,
  memoryAmount,
  normalizeCpu,
  normalizeMemory,
  normalizeTimeout,
  parseQuantity
} from './kubernetes';
export { basename, checkRelativePattern, dirname, extname, joinRelative, normalizeMountPath, normalizeRelative, relativePath } from './paths';
export { newId } from './ids';
export { resolveNodeProperties, resolveParameters, getPipelineDefaults, LIST_ITEM_KEYS } from './resolve';
export { flattenPipeline, findCycles, successorLists } from './flatten';
export type { IFlatEdge, IFlatPipeline } from './flatten';
export { validatePipeline } from './validate';
export type { IEffectiveProperties, IValidateOptions, IValidationReuse } from './validate';
export { checkFiles, pipelineDir, resolveInPipelineDir, resolveNodeFile } from './files';
export { scanEnvVarReferences } from './envscan';
export { reservedNodeEnvName, reservedParameterName } from './envnames';
export { History } from './history';
export type { IHistoryOptions, IPushOptions } from './history';
export { addComment, attachComment, detachComment, removeComments, updateComment } from './comments';
export type { INewCommentOptions } from './comments';
export { copySelection, pasteSelection } from './clipboard';
export type { ICopyOptions, IPasteOptions, IPasteResult } from './clipboard';
export { PROPERTY_CODES } from './propertyCheck';
export { utf8Length } from './json';
