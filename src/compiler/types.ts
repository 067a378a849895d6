/**
 * The compiler's contract: `compile(pipeline, options) → { pipelineRun, documents, yaml,
 * uploads, ir, diagnostics }`. The IR is also what the local runner executes (as JSON),
 * so Tekton runs and local runs share one interpretation of the pipeline.
 */
import type {
  IDiagnostic,
  IKeyValue,
  IKubernetesSecret,
  IMountedVolume,
  IToleration,
  NodeKind,
  PipelineParameterType
} from '../model/types';

export interface ICompileOptions {
  /** Emit Task + Pipeline + PipelineRun instead of one PipelineRun with embedded specs. */
  separateObjects?: boolean;
  /**
   * For output that goes straight to a cluster (Submit): separate objects when the embedded
   * PipelineRun would be too large for Tekton to run ('status-too-large'), with a
   * 'separate-objects' warning saying so. Export keeps the user's explicit choice.
   */
  separateWhenTooLarge?: boolean;
  /**
   * Compile for a local run: only the IR and uploads are produced (no Tekton objects, no
   * YAML), and what only a cluster needs (a runtime image, object storage) is not
   * required. Every other check is the same as for Tekton.
   */
  forLocalRun?: boolean;
  /** metadata.name of the PipelineRun; default: generateName `<pipeline-name>-`. */
  runName?: string;
  namespace?: string;
  /** Object storage endpoint as the pods reach it, e.g. http://minio.minio:9000. */
  storageEndpoint?: string;
  bucket?: string;
  /** Kubernetes Secret holding AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for the transfer steps. */
  storageSecretName?: string;
  storageRegion?: string;
  /** Image of the fetch/save steps; default 'minio/mc:latest'. */
  transferImage?: string;
  /** Runtime image for nodes that set none and have no pipeline default. */
  defaultRuntimeImage?: string;
  serviceAccountName?: string;
  /** Extended resource name for GPUs; default 'nvidia.com/gpu'. */
  gpuResourceName?: string;
  /** Values for pipeline parameters (override the file's values/defaults). */
  parameters?: Record<string, string | number | boolean>;
  /** PipelineRun timeout (Go duration); task timeouts may not exceed it. Default '1h'. */
  pipelineTimeout?: string;
  /** Extra labels on the PipelineRun (e.g. for listing our runs). */
  labels?: Record<string, string>;
  /**
   * Largest Tekton object to emit, in bytes of JSON (as the API server stores it); a
   * bigger one is a 'too-large' compile error. Default 1 MiB: etcd refuses requests over
   * 1.5 MiB (its --max-request-bytes) and Tekton adds status to the same object. 0 turns
   * the check off (benchmarks, clusters with a raised etcd limit).
   */
  maxObjectBytes?: number;
  /**
   * Path of the .pipeline file relative to the server root (posix). Node filenames are
   * relative to the pipeline's directory; uploads are reported relative to the root.
   */
  pipelinePath?: string;
}

export interface IRParameter {
  name: string;
  type: PipelineParameterType;
  /** Value after applying ICompileOptions.parameters, value and default_value. */
  value: string | number | boolean | null;
  description?: string;
  required: boolean;
}

export interface IRResources {
  /** Kubernetes quantities, already normalised ("2", "500m", "4G"). */
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
  gpu?: number;
  gpuResourceName?: string;
}

export interface IRNode {
  /** The node id in the .pipeline (for supernode contents: the inner node's id). */
  id: string;
  label: string;
  /** Unique DNS-1123 label used as the Tekton pipeline task name and artifact folder. */
  taskName: string;
  kind: NodeKind;
  /** Node file, relative to the server root (posix, normalised). */
  file: string;
  /** Node file's directory relative to the server root: the working directory's origin. */
  baseDir: string;
  /** Dependency globs, relative to baseDir. */
  dependencies: string[];
  includeSubdirectories: boolean;
  /** Declared outputs, relative to the working directory. */
  outputs: string[];
  runtimeImage: string;
  env: { name: string; value: string }[];
  secrets: IKubernetesSecret[];
  volumes: IMountedVolume[];
  /** Size of a memory-backed /dev/shm (Kubernetes quantity), from kubernetes_shared_mem_size. */
  sharedMemory?: string;
  resources: IRResources;
  podLabels: IKeyValue[];
  podAnnotations: IKeyValue[];
  tolerations: IToleration[];
  nodeSelector: IKeyValue[];
  /** Go duration, e.g. "30m". */
  timeout?: string;
  retries?: number;
  /** Names of pipeline parameters the node consumes. */
  parameters: string[];
  /** Task names of direct upstream nodes (runAfter). */
  runAfter: string[];
  /**
   * Task names of the direct upstream nodes that pass outputs on (they declare outputs or
   * received some): the fetch step merges their `outputs-from.txt` lists (see inputs.ts).
   */
  inputParents: string[];
  /**
   * Task names of all ancestors whose declared outputs are copied into the working dir, in
   * copy order (a later task's file wins; a task always comes after its ancestors). What
   * the local runner copies; computed on first read (inputs.ts), enumerable, so JSON has it.
   */
  inputsFrom: string[];
}

export interface IRPipeline {
  /** DNS-1123 name derived from the pipeline name; the artifact prefix `<name>/<run-id>/`. */
  name: string;
  displayName: string;
  description?: string;
  parameters: IRParameter[];
  /** Topologically sorted; ties broken by node id so output is byte-stable. */
  nodes: IRNode[];
}

/** Something the submitter must put in object storage under `<pipeline>/<run-id>/`. */
export type IUpload =
  | { kind: 'content'; key: string; content: string }
  | {
      kind: 'files';
      /** Key prefix under the run prefix, e.g. `<task>/source/`. */
      keyPrefix: string;
      taskName: string;
      nodeId: string;
      /** Directory the patterns are relative to (server-root relative, posix). */
      baseDir: string;
      /** The node file plus its dependency globs. */
      patterns: string[];
      includeSubdirectories: boolean;
    };

export interface ICompileResult {
  /** The PipelineRun object (present when there are no errors, unless `forLocalRun`). */
  pipelineRun: Record<string, unknown> | null;
  /** All objects in apply order (Tasks, Pipeline, PipelineRun in separate mode). */
  documents: Record<string, unknown>[];
  /** Multi-document YAML of `documents`; byte-identical for identical input. */
  yaml: string;
  uploads: IUpload[];
  ir: IRPipeline | null;
  /** Compile errors block output (pipelineRun null, yaml ''); warnings do not. */
  diagnostics: IDiagnostic[];
}
