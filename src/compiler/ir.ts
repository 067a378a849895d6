/**
 * Pipeline document → IR: supernodes flattened, pipeline defaults applied, values
 * normalised, nodes in topological order (ties by id), task names assigned. Reports
 * what Tekton or the pods would reject and the model's validation does not already
 * cover; invalid values the model reports are skipped here without a second message.
 */
import { INodeRef, nodeError, pipelineError } from './diagnostics';
import { formatGoDuration, parseGoDuration } from './duration';
import { findTektonReference, isLabelValue, isObjectName, isQualifiedName } from './kube';
import {
  checkRelativePattern,
  dirname,
  flattenPipeline,
  getNodeKind,
  getPipelineDefaults,
  getPrimaryPipeline,
  IDiagnostic,
  INode,
  IPipelineFlowDocument,
  IPipelineParameter,
  IValidationReuse,
  joinRelative,
  kindForFile,
  normalizeCpu,
  normalizeMemory,
  normalizeMountPath,
  normalizeTimeout,
  PipelineParameterType,
  pipelineDir,
  resolveInPipelineDir
} from './model';
import type { IKeyValue } from '../model';
import { IInheritedDefault, inheritedDefaults, resolveWithDefaults } from '../model/resolve';
import { withInputsFrom } from './inputs';
import { orderGraph, runnableGraph } from './order';
import { assignUniqueNames, fileStem, MAX_PIPELINE_NAME, MAX_TASK_NAME, nameBase, toDns1123Label } from './names';
import type { IResolvedOptions } from './options';
import { WORKDIR } from './steps';
import type { ICompileOptions, IRNode, IRParameter, IRPipeline, IRResources } from './types';

export interface IIRResult {
  ir: IRPipeline;
  diagnostics: IDiagnostic[];
}

/** `reuse`: what validatePipeline worked out for this same document (see compile). */
export function buildIR(
  doc: IPipelineFlowDocument,
  options: IResolvedOptions,
  overrides: ICompileOptions['parameters'] = {},
  reuse: IValidationReuse = {}
): IIRResult {
  const diagnostics: IDiagnostic[] = [];
  const primary = getPrimaryPipeline(doc);
  const properties = Private.record(Private.record(primary?.app_data).properties);

  const displayName =
    Private.text(properties.name) || fileStem(options.pipelinePath) || 'pipeline';
  const name = toDns1123Label(displayName, MAX_PIPELINE_NAME) || 'pipeline';
  const parameters = Private.parameters(properties.pipeline_parameters, overrides ?? {}, diagnostics);

  const flat = reuse.flat ?? flattenPipeline(doc);
  const defaults = getPipelineDefaults(doc);
  let inherited: IInheritedDefault[] | undefined;
  // Nodes are handled by index (see order.ts): no per-node Maps, Sets, closures or pair arrays.
  const graph = runnableGraph(flat);
  const { nodes, labels, filenames } = graph;
  const { order, parentStart, parents } = orderGraph(graph);

  // Names are given in node-id order (graph.byRank), so a node keeps its name when others are added.
  const bases: string[] = new Array(nodes.length);
  for (let rank = 0; rank < nodes.length; rank++) {
    const i = graph.byRank[rank];
    bases[rank] = nameBase(labels[i], filenames[i] ?? '', MAX_TASK_NAME);
  }
  const namesByRank = assignUniqueNames(bases, MAX_TASK_NAME, 'node');
  const taskNameOf = (i: number) => namesByRank[graph.rank[i]];

  const context: Private.IContext = {
    options,
    parameters,
    problems: new Private.NodeProblems(diagnostics, flat.pipelineOf, doc.primary_pipeline),
    pipelineDir: pipelineDir(options.pipelinePath),
    lastBaseDir: ''
  };
  const built: Omit<IRNode, 'inputsFrom'>[] = new Array(order.length);
  /** Per node index: its save step passes outputs on (it declares outputs or received some). */
  const passing = new Uint8Array(nodes.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const node = nodes[i];
    context.problems.node = node;
    context.problems.label = labels[i];
    // Direct parents in topological order (flattenPipeline reports each source → target pair once).
    const first = parentStart[i];
    const count = parentStart[i + 1] - first;
    let runAfter: string[] = Private.NONE;
    let inputParents: string[] = Private.NONE;
    if (count) {
      runAfter = new Array(count);
      let passingCount = 0;
      for (let j = 0; j < count; j++) {
        runAfter[j] = taskNameOf(parents[first + j]);
        passingCount += passing[parents[first + j]];
      }
      if (passingCount === count) {
        inputParents = runAfter; // the same list (IR lists are read-only): usually every parent passes
      } else if (passingCount) {
        inputParents = new Array(passingCount);
        for (let j = 0, n = 0; j < count; j++) {
          if (passing[parents[first + j]]) {
            inputParents[n++] = runAfter[j];
          }
        }
      }
    }
    // Validation's effective properties; without them (buildIR alone) the defaults are worked out once.
    const properties = reuse.effective?.get(node) ?? resolveWithDefaults(node, (inherited ??= inheritedDefaults(defaults)));
    const irNode = Private.node(context, node, labels[i], filenames[i] ?? '', properties, taskNameOf(i), runAfter, inputParents);
    if (irNode.outputs.length || inputParents.length) {
      passing[i] = 1;
    }
    built[k] = irNode;
  }
  const irNodes = withInputsFrom(built);
  if (order.length < nodes.length) {
    diagnostics.push(pipelineError('cycle', undefined, 'The pipeline contains a cycle; it cannot be ordered.'));
  }

  const ir: IRPipeline = { name, displayName, parameters, nodes: irNodes };
  const description = Private.text(properties.description);
  if (description) {
    ir.description = description;
  }
  return { ir, diagnostics };
}

namespace Private {
  /**
   * The one empty list of every IR list that has no items (most nodes have no env,
   * volumes, labels, …): one object instead of a dozen per node. Frozen, as IR lists are
   * read-only.
   */
  export const NONE = Object.freeze([]) as unknown as never[];
  /** Likewise for a node without resource settings. */
  const NO_RESOURCES: IRResources = Object.freeze({});

  export function record(value: unknown): Record<string, unknown> {
    return isRecord(value) ? value : {};
  }

  function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  export function text(value: unknown): string {
    return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  }

  /** `list` with `item` added; a new list when `list` is NONE. */
  function append<T>(list: T[], item: T): T[] {
    if (list === NONE) {
      return [item];
    }
    list.push(item);
    return list;
  }

  /**
   * Whether a list property has items. Most nodes' lists are empty: the functions below
   * return NONE for them before anything (an iterator, a filtered copy) is allocated.
   */
  function hasItems(value: unknown): value is unknown[] {
    return Array.isArray(value) && value.length > 0;
  }

  /** The object items of a list property. */
  function list(value: unknown): Record<string, unknown>[] {
    return hasItems(value) ? value.filter(isRecord) : NONE;
  }

  /** The non-blank strings of a list property, trimmed; NONE when there are none. */
  function strings(value: unknown): string[] {
    if (!hasItems(value)) {
      return NONE;
    }
    let result: string[] = NONE;
    for (const item of value) {
      if (typeof item === 'string' && item.trim() !== '') {
        result = append(result, item.trim());
      }
    }
    return result;
  }

  /** What every node of one compile shares (one object, not closures per node). */
  export interface IContext {
    options: IResolvedOptions;
    parameters: IRParameter[];
    problems: NodeProblems;
    /** The pipeline file's directory, root-relative: where node file names start. */
    pipelineDir: string;
    /** The last node's baseDir (see baseDirOf). */
    lastBaseDir: string;
  }

  /** Reports problems of the node being built (`node`, `label`), naming it. */
  export class NodeProblems {
    node: INode | null = null;
    label = '';

    constructor(
      private readonly diagnostics: IDiagnostic[],
      private readonly pipelineOf: Map<string, string>,
      private readonly primaryPipeline: string
    ) {}

    error(code: string, property: string, problem: string): void {
      const id = (this.node as INode).id;
      const ref: INodeRef = { id, label: this.label };
      const pipelineId = this.pipelineOf.get(id);
      if (pipelineId && pipelineId !== this.primaryPipeline) {
        ref.pipelineId = pipelineId;
      }
      this.diagnostics.push(nodeError(ref, code, property, problem));
    }

    /** Reports a `$(…)` in `value`, which Tekton would substitute. */
    checkReference(property: string, value: string): void {
      const reference = findTektonReference(value);
      if (reference) {
        this.error('tekton-reference', property, `"${reference}" would be substituted by Tekton (it has no escape for $(…)); change the value.`);
      }
    }

    /** An env var name the node sets (names the task owns are the model's validation's). */
    claimEnv(nodeParameters: string[], name: string, property: string): void {
      if (nodeParameters.includes(name)) {
        this.error('env-var-conflict', property, `"${name}" is also a pipeline parameter this node receives as an environment variable.`);
      }
    }
  }

  const TYPES: PipelineParameterType[] = ['String', 'Integer', 'Float', 'Bool'];

  /** A value given as text (CLI `--param k=v`) or JSON, coerced to the parameter's type. */
  function coerce(value: unknown, type: PipelineParameterType): string | number | boolean | null {
    if (value === null || value === undefined || value === '') {
      return null;
    }
    switch (type) {
      case 'Integer': {
        const number = typeof value === 'string' && /^[-+]?[0-9]+$/.test(value.trim()) ? Number(value) : value;
        return typeof number === 'number' && Number.isSafeInteger(number) ? number : null;
      }
      case 'Float': {
        const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        return typeof number === 'number' && Number.isFinite(number) ? number : null;
      }
      case 'Bool':
        if (typeof value === 'boolean') {
          return value;
        }
        return typeof value === 'string' && /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true' : null;
      default:
        return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
    }
  }

  export function parameters(
    raw: unknown,
    overrides: Record<string, unknown>,
    diagnostics: IDiagnostic[]
  ): IRParameter[] {
    const result: IRParameter[] = [];
    const seen = new Set<string>();
    for (const item of list(raw)) {
      const parameter = item as IPipelineParameter;
      if (typeof parameter.name !== 'string' || seen.has(parameter.name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(parameter.name)) {
        continue; // reported by the model's validation
      }
      seen.add(parameter.name);
      const declared = record(parameter.default_value).type;
      const type = TYPES.includes(declared as PipelineParameterType) ? (declared as PipelineParameterType) : 'String';
      let value: string | number | boolean | null = null;
      if (Object.prototype.hasOwnProperty.call(overrides, parameter.name)) {
        const given = overrides[parameter.name];
        value = coerce(given, type);
        if (value === null && given !== '') {
          diagnostics.push(
            pipelineError('invalid-parameter-value', 'pipeline_parameters', `the value ${JSON.stringify(given)} given for "${parameter.name}" is not of type ${type}.`)
          );
        }
      } else {
        value = coerce(parameter.value, type) ?? coerce(record(parameter.default_value).value, type);
      }
      if (typeof value === 'string') {
        const reference = findTektonReference(value);
        if (reference) {
          diagnostics.push(
            pipelineError('tekton-reference', 'pipeline_parameters', `the value of "${parameter.name}" contains "${reference}", which Tekton would substitute.`)
          );
        }
      }
      const required = parameter.required === true;
      if (required && value === null) {
        diagnostics.push(
          pipelineError('missing-parameter-value', 'pipeline_parameters', `"${parameter.name}" is required; give it a value (e.g. --param ${parameter.name}=…).`)
        );
      }
      const ir: IRParameter = { name: parameter.name, type, value, required };
      const description = text(parameter.description);
      if (description) {
        ir.description = description;
      }
      result.push(ir);
    }
    for (const name of Object.keys(overrides).sort()) {
      if (!seen.has(name)) {
        diagnostics.push(pipelineError('unknown-parameter', 'pipeline_parameters', `a value is given for "${name}", which is not a parameter of this pipeline.`));
      }
    }
    return result;
  }

  /** Whether an absolute mount path would hide the task's own files or break Tekton. */
  function mountConflict(path: string): string | null {
    const clean = path.replace(/\/+$/, '') || '/';
    const inside = (dir: string) => clean === dir || clean.startsWith(`${dir}/`);
    if (inside('/tekton') && !inside('/tekton/home')) {
      return 'Tekton does not allow volumes under /tekton/';
    }
    if (clean === '/' || clean === '/workspace' || inside(WORKDIR) || inside('/workspace/.tekton')) {
      return `it would hide the task's working files (${WORKDIR}, /workspace/.tekton)`;
    }
    return null;
  }

  /** The node file relative to the server root ('' when it has none or it escapes the root). */
  function nodeFile(context: IContext, filename: string): string {
    if (!filename) {
      return '';
    }
    const resolved = resolveInPipelineDir(context.pipelineDir, filename);
    if (resolved.path === null) {
      context.problems.error('path-outside-root', 'filename', `${resolved.reason ?? `"${filename}" points outside the server root`}.`);
    }
    return resolved.path ?? '';
  }

  /** dirname(file), the previous node's string when it is the same (one string per folder, not per node). */
  function baseDirOf(context: IContext, file: string): string {
    // In the previous folder: the previous folder, then '/', then no other '/' (indexOf
    // rather than lastIndexOf, which V8 runs as a much slower runtime call).
    const previous = context.lastBaseDir;
    if (previous && file.charCodeAt(previous.length) === 0x2f && file.startsWith(previous) && file.indexOf('/', previous.length + 1) < 0) {
      return previous;
    }
    context.lastBaseDir = dirname(file);
    return context.lastBaseDir;
  }

  /**
   * The dependency (relative to `baseDir`) or output (`baseDir` null) entries the model's
   * validation accepts, trimmed. Absolute paths, '..' and line breaks are reported there;
   * the join guards against escaping the root all the same.
   */
  function patterns(value: unknown, baseDir: string | null): string[] {
    if (!hasItems(value)) {
      return NONE;
    }
    let result: string[] = NONE;
    for (const pattern of strings(value)) {
      if (checkRelativePattern(pattern) === null && (baseDir === null || joinRelative(baseDir, pattern) !== null)) {
        result = append(result, pattern);
      }
    }
    return result;
  }

  function env(problems: NodeProblems, value: unknown, nodeParameters: string[]): IRNode['env'] {
    if (!hasItems(value)) {
      return NONE;
    }
    let result: IRNode['env'] = NONE;
    for (const item of list(value)) {
      const name = text(item.env_var);
      const value = typeof item.value === 'string' ? item.value : text(item.value);
      if (!name || value === '') {
        continue; // Elyra drops env vars without a value
      }
      problems.claimEnv(nodeParameters, name, 'env_vars');
      problems.checkReference('env_vars', value);
      result = append(result, { name, value });
    }
    return result;
  }

  function secrets(problems: NodeProblems, value: unknown, nodeParameters: string[]): IRNode['secrets'] {
    if (!hasItems(value)) {
      return NONE;
    }
    let result: IRNode['secrets'] = NONE;
    for (const item of list(value)) {
      const secret = { env_var: text(item.env_var), name: text(item.name), key: text(item.key) };
      if (secret.env_var && isObjectName(secret.name) && secret.key) {
        problems.claimEnv(nodeParameters, secret.env_var, 'kubernetes_secrets');
        result = append(result, secret);
      }
    }
    return result;
  }

  function volumes(problems: NodeProblems, value: unknown): IRNode['volumes'] {
    if (!hasItems(value)) {
      return NONE;
    }
    const result = list(value)
      .map(item => {
        // Elyra mounts "mnt/data/" at /mnt/data; the model's validation warns about it.
        const path = text(item.path) ? normalizeMountPath(text(item.path)) : '';
        const volume: IRNode['volumes'][number] = { path, pvc_name: text(item.pvc_name) };
        if (text(item.sub_path)) {
          volume.sub_path = text(item.sub_path);
        }
        if (item.read_only === true) {
          volume.read_only = true;
        }
        return volume;
      })
      .filter(v => v.path.startsWith('/') && isObjectName(v.pvc_name))
      // Kubernetes refuses two mounts at one path: the last entry wins, as validation says.
      .filter((v, i, all) => !all.slice(i + 1).some(later => later.path === v.path));
    for (const volume of result) {
      const conflict = mountConflict(volume.path);
      if (conflict) {
        problems.error('invalid-volume', 'mounted_volumes', `cannot mount "${volume.pvc_name}" at ${volume.path}: ${conflict}.`);
      }
      problems.checkReference('mounted_volumes', volume.path + (volume.sub_path ?? ''));
    }
    return result.length ? result : NONE;
  }

  function resources(props: Record<string, unknown>, options: IResolvedOptions): IRResources {
    const cpu = normalizeCpu(props.cpu);
    const cpuLimit = normalizeCpu(props.cpu_limit);
    const memory = normalizeMemory(props.memory);
    const memoryLimit = normalizeMemory(props.memory_limit);
    const gpu = typeof props.gpu === 'string' && /^[0-9]+$/.test(props.gpu.trim()) ? Number(props.gpu) : props.gpu;
    const hasGpu = typeof gpu === 'number' && Number.isInteger(gpu) && gpu > 0;
    if (!cpu && !cpuLimit && !memory && !memoryLimit && !hasGpu) {
      return NO_RESOURCES;
    }
    const result: IRResources = {};
    if (cpu) {
      result.cpuRequest = cpu;
    }
    if (cpuLimit) {
      result.cpuLimit = cpuLimit;
    }
    if (memory) {
      result.memoryRequest = memory;
    }
    if (memoryLimit) {
      result.memoryLimit = memoryLimit;
    }
    if (hasGpu) {
      result.gpu = gpu;
      let vendor = text(props.gpu_vendor);
      if (vendor && !vendor.includes('/')) {
        vendor = `${vendor}/gpu`; // Elyra also accepts a bare vendor domain ("amd.com")
      }
      result.gpuResourceName = vendor && isQualifiedName(vendor) ? vendor : options.gpuResourceName;
    }
    return result;
  }

  /** Keys and label values are checked by the model's validation; skip what it rejects. */
  function keyValues(value: unknown, labelValues: boolean): IKeyValue[] {
    if (!hasItems(value)) {
      return NONE;
    }
    let result: IKeyValue[] = NONE;
    for (const item of list(value)) {
      const key = text(item.key);
      const itemValue = typeof item.value === 'string' ? item.value : text(item.value);
      if (key && isQualifiedName(key) && (!labelValues || isLabelValue(itemValue))) {
        result = append(result, { key, value: itemValue });
      }
    }
    return result;
  }

  const TOLERATION_KEYS = ['key', 'operator', 'value', 'effect'] as const;

  function tolerations(value: unknown): IRNode['tolerations'] {
    if (!hasItems(value)) {
      return NONE;
    }
    let result: IRNode['tolerations'] = NONE;
    for (const item of list(value)) {
      const toleration: IRNode['tolerations'][number] = {};
      for (const key of TOLERATION_KEYS) {
        const value = text(item[key]);
        if (value) {
          (toleration as Record<string, string>)[key] = value;
        }
      }
      result = append(result, toleration);
    }
    return result;
  }

  function timeout(problems: NodeProblems, value: unknown, options: IResolvedOptions): string | undefined {
    const normalized = value === undefined || value === '' ? null : normalizeTimeout(value);
    if (!normalized) {
      return undefined;
    }
    const parsed = parseGoDuration(normalized);
    if (!('nanos' in parsed) || parsed.nanos <= 0n) {
      return undefined;
    }
    const result = formatGoDuration(parsed.nanos);
    if (options.pipelineTimeoutNanos > 0n && parsed.nanos > options.pipelineTimeoutNanos) {
      problems.error(
        'timeout-exceeds-pipeline',
        'timeout',
        `${result} is longer than the pipeline timeout ${options.tekton.pipelineTimeout}; Tekton would stop the task at the pipeline timeout.`
      );
    }
    return result;
  }

  /** Which parameters the node consumes, in pipeline order (no Set unless it uses any). */
  function nodeParameters(value: unknown, parameters: IRParameter[]): string[] {
    const used = strings(value);
    let result: string[] = NONE;
    if (used.length) {
      const consumed = new Set(used);
      for (const p of parameters) {
        if (consumed.has(p.name)) {
          result = append(result, p.name);
        }
      }
    }
    return result;
  }

  /**
   * One IR node. Checks run (and report) in the order of the node's properties below;
   * list properties a node does not set cost nothing (NONE).
   */
  export function node(
    context: IContext,
    node: INode,
    label: string,
    filename: string,
    props: Record<string, unknown>,
    taskName: string,
    runAfter: string[],
    inputParents: string[]
  ): Omit<IRNode, 'inputsFrom'> {
    const { options, problems } = context;
    const file = nodeFile(context, filename);
    const baseDir = baseDirOf(context, file);
    const dependencies = patterns(props.dependencies, baseDir);
    const outputs = patterns(props.outputs, null);

    const runtimeImage = text(props.runtime_image) || options.defaultRuntimeImage || '';
    problems.checkReference('runtime_image', runtimeImage);

    const parameters = nodeParameters(props.pipeline_parameters, context.parameters);
    const envVars = env(problems, props.env_vars, parameters);
    const nodeSecrets = secrets(problems, props.kubernetes_secrets, parameters);
    const nodeVolumes = volumes(problems, props.mounted_volumes);

    let sharedMemory: string | undefined;
    if (isRecord(props.kubernetes_shared_mem_size)) {
      const shm = props.kubernetes_shared_mem_size;
      const shmSize = typeof shm.size === 'number' ? shm.size : Number(text(shm.size));
      if (Number.isFinite(shmSize) && shmSize > 0) {
        sharedMemory = `${shmSize}${text(shm.units) || 'G'}`;
        if (nodeVolumes.some(v => v.path.replace(/\/+$/, '') === '/dev/shm')) {
          problems.error('invalid-volume', 'mounted_volumes', 'a volume is mounted at /dev/shm, where the shared memory size also applies.');
        }
      }
    }

    const nodeTimeout = timeout(problems, props.timeout, options);
    const retries = typeof props.retries === 'number' && Number.isInteger(props.retries) && props.retries > 0 ? props.retries : undefined;
    // Retries are fine with the run step's `onError: continue`: Tekton rejects retries only
    // together with a *pipeline task's* onError: continue (pipeline_validation.go), which we
    // do not use; the save step's exit code still fails the attempt.

    const irNode: Omit<IRNode, 'inputsFrom'> = {
      id: node.id,
      label,
      taskName,
      // The extension decides how a file runs (as in Elyra's bootstrapper), not the op.
      kind: kindForFile(filename) ?? (getNodeKind(node) as IRNode['kind']),
      file,
      baseDir,
      dependencies,
      includeSubdirectories: props.include_subdirectories === true,
      outputs,
      runtimeImage,
      env: envVars,
      secrets: nodeSecrets,
      volumes: nodeVolumes,
      resources: resources(props, options),
      podLabels: keyValues(props.kubernetes_pod_labels, true),
      podAnnotations: keyValues(props.kubernetes_pod_annotations, false),
      tolerations: tolerations(props.kubernetes_tolerations),
      nodeSelector: keyValues(props.node_selector, true),
      parameters,
      runAfter,
      inputParents
    };
    if (sharedMemory) {
      irNode.sharedMemory = sharedMemory;
    }
    if (nodeTimeout) {
      irNode.timeout = nodeTimeout;
    }
    if (retries) {
      irNode.retries = retries;
    }
    return irNode;
  }
}
