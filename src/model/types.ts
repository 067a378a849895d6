/**
 * pipeline-flow v3 document types, as Elyra writes them (app_data version 8).
 *
 * The document is kept as plain JSON: every interface has an index signature so that
 * fields we do not understand ride along untouched from read to write.
 * Schema: ../shared/reference/pipeline-flow/pipeline-flow-v3-schema.json
 */

/** The app_data version Elyra 3.x/4.x writes and the one we write. */
export const CURRENT_APP_DATA_VERSION = 8;

export const NODE_OPS = {
  notebook: 'execute-notebook-node',
  python: 'execute-python-node',
  r: 'execute-r-node'
} as const;

export type NodeKind = keyof typeof NODE_OPS;

/** Any JSON value; used where we pass data through without interpreting it. */
export type JSONValue =
  | string
  | number
  | boolean
  | null
  | JSONValue[]
  | { [key: string]: JSONValue };

export interface IPipelineFlowDocument {
  doc_type: 'pipeline';
  version: '3.0';
  json_schema?: string;
  id: string;
  primary_pipeline: string;
  pipelines: IPipeline[];
  schemas?: unknown[];
  [key: string]: unknown;
}

export interface IPipeline {
  id: string;
  nodes: INode[];
  app_data?: IPipelineAppData;
  runtime_ref?: string;
  [key: string]: unknown;
}

export interface IPipelineAppData {
  version?: number;
  runtime_type?: string;
  properties?: IPipelineProperties;
  ui_data?: IPipelineUiData;
  [key: string]: unknown;
}

export interface IPipelineUiData {
  comments?: IComment[];
  [key: string]: unknown;
}

/** A Markdown comment on the canvas, optionally attached to nodes. */
export interface IComment {
  id: string;
  x_pos: number;
  y_pos: number;
  width: number;
  height: number;
  content: string;
  associated_id_refs?: { node_ref: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface IPipelineProperties {
  name?: string;
  description?: string;
  runtime?: string;
  /** Defaults applied to every node property the node leaves empty. */
  pipeline_defaults?: IComponentParameters;
  pipeline_parameters?: IPipelineParameter[];
  [key: string]: unknown;
}

export type PipelineParameterType = 'String' | 'Integer' | 'Float' | 'Bool';

export interface IPipelineParameter {
  name: string;
  description?: string;
  default_value?: { type: PipelineParameterType; value: string | number | boolean };
  /** Value set for this pipeline (overrides default_value.value). */
  value?: string | number | boolean;
  required?: boolean;
  [key: string]: unknown;
}

export type NodeType =
  | 'execution_node'
  | 'super_node'
  | 'binding_entry_node'
  | 'binding_exit_node'
  /** Older common-canvas files use one 'binding' type for both binding ends. */
  | 'binding'
  | 'model_node';

export interface INode {
  id: string;
  type: NodeType;
  /** execute-notebook-node, execute-python-node, execute-r-node, or a component op we do not run. */
  op?: string;
  app_data?: INodeAppData;
  inputs?: IPort[];
  outputs?: IPort[];
  /** Supernodes: the sub-pipeline they stand for. */
  subflow_ref?: { pipeline_id_ref: string; url?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface INodeAppData {
  label?: string;
  component_parameters?: IComponentParameters;
  ui_data?: INodeUiData;
  [key: string]: unknown;
}

export interface INodeUiData {
  label?: string;
  image?: string;
  x_pos?: number;
  y_pos?: number;
  description?: string;
  [key: string]: unknown;
}

export interface IPort {
  id: string;
  app_data?: { [key: string]: unknown };
  links?: ILink[];
  [key: string]: unknown;
}

/** A link, stored on the *target* node's input port, pointing at its source. */
export interface ILink {
  id: string;
  node_id_ref: string;
  port_id_ref?: string;
  [key: string]: unknown;
}

// ---- node properties (app_data.component_parameters), version 8 shapes -------------

export interface IEnvVar {
  env_var: string;
  value?: string;
}

export interface IKubernetesSecret {
  env_var: string;
  name: string;
  key: string;
}

export interface IMountedVolume {
  path: string;
  pvc_name: string;
  sub_path?: string;
  read_only?: boolean;
}

export interface IKeyValue {
  key: string;
  value?: string;
}

export interface IToleration {
  key?: string;
  operator?: 'Equal' | 'Exists';
  value?: string;
  effect?: '' | 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * Properties of a generic (notebook / script) node. Elyra's names and units:
 * cpu = CPUs, memory = GB (a number), gpu = count. We also accept Kubernetes quantity
 * strings ("500m", "2Gi"). Properties after `// ours` are not written by Elyra.
 */
export interface IComponentParameters {
  filename?: string;
  runtime_image?: string;
  cpu?: number | string;
  cpu_limit?: number | string;
  memory?: number | string;
  memory_limit?: number | string;
  gpu?: number;
  gpu_vendor?: string;
  env_vars?: IEnvVar[];
  dependencies?: string[];
  include_subdirectories?: boolean;
  outputs?: string[];
  kubernetes_secrets?: IKubernetesSecret[];
  mounted_volumes?: IMountedVolume[];
  kubernetes_pod_labels?: IKeyValue[];
  kubernetes_pod_annotations?: IKeyValue[];
  kubernetes_tolerations?: IToleration[];
  kubernetes_shared_mem_size?: { size?: number; units?: string };
  /** Names of pipeline parameters this node consumes. */
  pipeline_parameters?: string[];
  // ours
  node_selector?: IKeyValue[];
  /** Task timeout: a Go duration ("1h30m") or a number of minutes. */
  timeout?: string | number;
  retries?: number;
  [key: string]: unknown;
}

// ---- diagnostics ----------------------------------------------------------------------

export type Severity = 'error' | 'warning';

/**
 * A located problem. `nodeId` and `property` are set whenever the problem belongs to a
 * node or property, so the editor can badge the node and the CLI can name them.
 */
export interface IDiagnostic {
  severity: Severity;
  /** Stable machine-readable kind, e.g. 'cycle', 'missing-file', 'invalid-image'. */
  code: string;
  message: string;
  nodeId?: string;
  /** The node's label at the time, for messages. */
  nodeLabel?: string;
  /** component_parameters key, or 'label', or a pipeline property path. */
  property?: string;
  /** JSON pointer into the document, when known (e.g. for parse errors). */
  path?: string;
  /** The pipeline (in `pipelines[]`) the node belongs to, when not the primary one. */
  pipelineId?: string;
  /** Link ids involved (e.g. the links closing a cycle). */
  linkIds?: string[];
  /** 1-based position in the file text, for parse errors. */
  line?: number;
  column?: number;
}
