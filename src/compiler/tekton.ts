/**
 * IR → Tekton v1 objects. Keys are inserted in a fixed order and every list follows the
 * IR's order (topological, id tie-break), so the same IR always yields the same objects.
 *
 * Embedded mode: one PipelineRun with `pipelineSpec` and a `taskSpec` per node.
 * Separate mode: a Task per node, a Pipeline referencing them, and a PipelineRun with
 * `pipelineRef` (for clusters that disable inline specs).
 */
import { childName } from './names';
import {
  buildStepTemplate,
  buildSteps,
  buildVolumes,
  IStepContext,
  IStepShared,
  literal,
  literalEnvValue,
  podTemplateEnv,
  stepShared
} from './steps';
import { IYamlStyle, toMultiDocumentYaml } from './yaml';
import type { IRNode, IRParameter, IRPipeline } from './types';

export const API_VERSION = 'tekton.dev/v1';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'jupyterlab-tekton';
export const PIPELINE_LABEL = 'jupyterlab-tekton/pipeline';
/** Task param (separate mode) carrying the run prefix, which needs the PipelineRun's name. */
export const RUN_PREFIX_PARAM = 'tekton-run-prefix';

/**
 * How Tekton objects are written: short lists (`runAfter`, `envFrom`) and the items of
 * env and param lists inline, one per line. It keeps a 1000-task PipelineRun readable
 * and about 30% smaller than all-block YAML.
 */
export const TEKTON_YAML_STYLE: IYamlStyle = {
  flow: new Set(['runAfter', 'envFrom']),
  flowItems: new Set(['env', 'params'])
};

/** Multi-document YAML of Tekton objects, in TEKTON_YAML_STYLE. */
export function toTektonYaml(documents: Record<string, unknown>[]): string {
  return toMultiDocumentYaml(documents, TEKTON_YAML_STYLE);
}

/** Options with defaults applied and already validated. */
export interface ITektonOptions {
  separateObjects: boolean;
  runName?: string;
  namespace?: string;
  storageEndpoint: string;
  bucket: string;
  storageSecretName: string;
  storageRegion: string;
  transferImage: string;
  serviceAccountName?: string;
  /** Go duration string, already canonical. */
  pipelineTimeout: string;
  labels: Record<string, string>;
}

/** Every object to apply, in apply order; the PipelineRun is last. */
export function buildTektonObjects(ir: IRPipeline, options: ITektonOptions): Record<string, unknown>[] {
  const runPrefixValue = `${ir.name}/$(context.pipelineRun.name)`;
  const ctx: IStepContext = {
    runPrefix: options.separateObjects ? `$(params.${RUN_PREFIX_PARAM})` : runPrefixValue,
    transferImage: options.transferImage,
    storageEnv: [
      literal('TEKTON_S3_ENDPOINT', options.storageEndpoint),
      literal('TEKTON_S3_BUCKET', options.bucket),
      literal('TEKTON_S3_REGION', options.storageRegion)
    ],
    storageSecretName: options.storageSecretName,
    sharedViaPodTemplate: !options.separateObjects
  };

  const shared = stepShared(ctx);
  const pipelineTasks: Record<string, unknown>[] = [];
  const taskObjects: Record<string, unknown>[] = [];
  const taskRunSpecs: Record<string, unknown>[] = [];
  // One pass over the IR nodes: at 5000 nodes they no longer fit in the CPU caches, and a
  // second pass (for taskRunSpecs) read every one of them from memory again.
  for (const node of ir.nodes) {
    const taskSpec = Private.taskSpec(node, ir.parameters, ctx, shared, options.separateObjects);
    // Built from `{}`, which V8 gives room for four properties inline: a task with name,
    // displayName, runAfter and taskSpec needs no separate property store (an object less
    // per task for every young-generation GC to copy).
    const pipelineTask: Record<string, unknown> = {};
    pipelineTask.name = node.taskName;
    pipelineTask.displayName = Private.displayName(node.label);
    if (node.runAfter.length) {
      // The IR's list as it is (IR lists are read-only, like the shared step objects).
      pipelineTask.runAfter = node.runAfter;
    }
    if (node.retries) {
      pipelineTask.retries = node.retries;
    }
    if (node.timeout) {
      pipelineTask.timeout = node.timeout;
    }
    if (node.parameters.length || options.separateObjects) {
      const params = node.parameters.map(name => ({ name, value: `$(params.${name})` }));
      if (options.separateObjects) {
        params.unshift({ name: RUN_PREFIX_PARAM, value: runPrefixValue });
      }
      pipelineTask.params = params;
    }
    if (options.separateObjects) {
      const name = childName(ir.name, `-${node.taskName}`);
      pipelineTask.taskRef = { name };
      taskObjects.push(Private.taskObject(name, node, ir, taskSpec, options));
    } else {
      const metadata = Private.taskMetadata(node);
      pipelineTask.taskSpec = metadata ? { metadata, ...taskSpec } : taskSpec;
    }
    pipelineTasks.push(pipelineTask);
    const runSpec = Private.taskRunSpec(node);
    if (runSpec) {
      taskRunSpecs.push(runSpec);
    }
  }

  const pipelineSpec: Record<string, unknown> = {};
  if (ir.description) {
    pipelineSpec.description = ir.description;
  }
  if (ir.parameters.length) {
    pipelineSpec.params = ir.parameters.map(Private.paramSpec);
  }
  pipelineSpec.tasks = pipelineTasks;

  const runSpec: Record<string, unknown> = {};
  if (ir.parameters.length) {
    runSpec.params = ir.parameters.map(p => ({ name: p.name, value: Private.paramValue(p) }));
  }
  if (options.separateObjects) {
    runSpec.pipelineRef = { name: ir.name };
  } else {
    runSpec.pipelineSpec = pipelineSpec;
  }
  runSpec.timeouts = { pipeline: options.pipelineTimeout };
  const taskRunTemplate: Record<string, unknown> = {};
  if (options.serviceAccountName) {
    taskRunTemplate.serviceAccountName = options.serviceAccountName;
  }
  if (ctx.sharedViaPodTemplate) {
    taskRunTemplate.podTemplate = { env: podTemplateEnv(ctx, ir.name) };
  }
  if (Object.keys(taskRunTemplate).length) {
    runSpec.taskRunTemplate = taskRunTemplate;
  }
  if (taskRunSpecs.length) {
    runSpec.taskRunSpecs = taskRunSpecs;
  }

  const runMetadata: Record<string, unknown> = {};
  if (options.runName) {
    runMetadata.name = options.runName;
  } else {
    runMetadata.generateName = `${ir.name}-`;
  }
  if (options.namespace) {
    runMetadata.namespace = options.namespace;
  }
  runMetadata.labels = Private.runLabels(ir, options);
  const pipelineRun = { apiVersion: API_VERSION, kind: 'PipelineRun', metadata: runMetadata, spec: runSpec };

  if (!options.separateObjects) {
    return [pipelineRun];
  }
  const pipeline = {
    apiVersion: API_VERSION,
    kind: 'Pipeline',
    metadata: Private.objectMetadata(ir.name, ir, options),
    spec: pipelineSpec
  };
  return [...taskObjects, pipeline, pipelineRun];
}

namespace Private {
  /**
   * Tekton substitutes `$(...)` references in displayName; a label is shown, never
   * evaluated, so break the reference rather than reject the label.
   */
  export function displayName(label: string): string {
    return label.includes('$(') ? label.replace(/\$\(/g, '$ (') : label;
  }

  export function paramSpec(p: IRParameter): Record<string, unknown> {
    const spec: Record<string, unknown> = { name: p.name, type: 'string' };
    if (p.description) {
      spec.description = p.description;
    }
    return spec;
  }

  /**
   * Tekton params are strings; '' stands for "no value" (the runner then injects
   * nothing). The value ends up in an env var, so it is escaped for Kubernetes' `$(VAR)`
   * expansion like every literal env value.
   */
  export function paramValue(p: IRParameter): string {
    return literalEnvValue(p.value === null ? '' : String(p.value));
  }

  export function taskSpec(
    node: IRNode,
    parameters: IRParameter[],
    ctx: IStepContext,
    shared: IStepShared,
    separate: boolean
  ): Record<string, unknown> {
    const spec: Record<string, unknown> = {};
    if (node.parameters.length || separate) {
      const params = node.parameters.map(name => ({ name, type: 'string' }));
      if (separate) {
        params.unshift({ name: RUN_PREFIX_PARAM, type: 'string' });
      }
      spec.params = params;
    }
    if (node.volumes.length || node.sharedMemory) {
      spec.volumes = buildVolumes(node);
    }
    spec.stepTemplate = buildStepTemplate(node, ctx, shared);
    spec.steps = buildSteps(node, parameters, ctx, shared);
    return spec;
  }

  /**
   * A node's pod labels and annotations, or null. (No node-id annotation: at 1000 tasks
   * it costs ~100 KB; a TaskRun's `tekton.dev/pipelineTask` label is the IR's taskName.)
   */
  export function taskMetadata(node: IRNode): Record<string, unknown> | null {
    if (!node.podLabels.length && !node.podAnnotations.length) {
      return null;
    }
    const metadata: Record<string, unknown> = {};
    const labels = keyValues(node.podLabels);
    if (Object.keys(labels).length) {
      metadata.labels = labels;
    }
    const annotations = keyValues(node.podAnnotations);
    if (Object.keys(annotations).length) {
      metadata.annotations = annotations;
    }
    return Object.keys(metadata).length ? metadata : null;
  }

  export function taskObject(
    name: string,
    node: IRNode,
    ir: IRPipeline,
    spec: Record<string, unknown>,
    options: ITektonOptions
  ): Record<string, unknown> {
    const metadata = objectMetadata(name, ir, options);
    const podMetadata = taskMetadata(node);
    if (podMetadata) {
      // Tekton propagates a Task's labels and annotations to its TaskRuns and pods.
      metadata.labels = { ...(podMetadata.labels as object), ...(metadata.labels as object) };
      if (podMetadata.annotations) {
        metadata.annotations = podMetadata.annotations;
      }
    }
    return { apiVersion: API_VERSION, kind: 'Task', metadata, spec };
  }

  export function objectMetadata(name: string, ir: IRPipeline, options: ITektonOptions): Record<string, unknown> {
    const metadata: Record<string, unknown> = { name };
    if (options.namespace) {
      metadata.namespace = options.namespace;
    }
    metadata.labels = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [PIPELINE_LABEL]: ir.name };
    return metadata;
  }

  export function runLabels(ir: IRPipeline, options: ITektonOptions): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const key of Object.keys(options.labels).sort()) {
      labels[key] = options.labels[key];
    }
    // Ours last so they win: runs are listed by them.
    labels[MANAGED_BY_LABEL] = MANAGED_BY_VALUE;
    labels[PIPELINE_LABEL] = ir.name;
    return labels;
  }

  /** Scheduling settings of one node's pod, or null when it has none. */
  export function taskRunSpec(node: IRNode): Record<string, unknown> | null {
    if (!node.nodeSelector.length && !node.tolerations.length) {
      return null;
    }
    const podTemplate: Record<string, unknown> = {};
    const nodeSelector = keyValues(node.nodeSelector);
    if (Object.keys(nodeSelector).length) {
      podTemplate.nodeSelector = nodeSelector;
    }
    if (node.tolerations.length) {
      podTemplate.tolerations = node.tolerations.map(t => {
        const toleration: Record<string, unknown> = {};
        if (t.key) {
          toleration.key = t.key;
        }
        toleration.operator = t.operator || 'Equal';
        if (t.value && toleration.operator !== 'Exists') {
          toleration.value = t.value;
        }
        if (t.effect) {
          toleration.effect = t.effect;
        }
        return toleration;
      });
    }
    if (!Object.keys(podTemplate).length) {
      return null;
    }
    return { pipelineTaskName: node.taskName, podTemplate };
  }

  /** Key/value list → map with sorted keys (later duplicates win, as in Elyra). */
  export function keyValues(items: { key: string; value?: string }[]): Record<string, string> {
    const map = new Map<string, string>();
    for (const item of items) {
      map.set(item.key, item.value ?? '');
    }
    const result: Record<string, string> = {};
    for (const key of [...map.keys()].sort()) {
      result[key] = map.get(key) as string;
    }
    return result;
  }
}
