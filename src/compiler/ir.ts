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
  getNodeFilename,
  getNodeKind,
  getNodeLabel,
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
  resolveNodeFile,
  resolveParameters,
  topologicalOrder
} from './model';
import { withInputsFrom } from './inputs';
import { assignUniqueNames, fileStem, MAX_PIPELINE_NAME, MAX_TASK_NAME, toDns1123Label } from './names';
import type { IResolvedOptions } from './options';
import { WORKDIR } from './steps';
import type { ICompileOptions, IRNode, IRParameter, IRPipeline } from './types';

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
  const runnable = flat.nodes.filter(node => getNodeKind(node) !== null);
  const byId = new Map(runnable.map(node => [node.id, node]));
  const edges = flat.edges.filter(e => byId.has(e.source) && byId.has(e.target));
  const order = topologicalOrder([...byId.keys()], edges);

  const taskNames = assignUniqueNames(
    [...byId.keys()].sort().map(id => {
      const node = byId.get(id) as INode;
      return { key: id, bases: [getNodeLabel(node), fileStem(getNodeFilename(node) ?? '')] };
    }),
    MAX_TASK_NAME,
    'node'
  );

  const position = new Map(order.map((id, i) => [id, i]));
  const parents = new Map<string, string[]>();
  for (const { source, target } of edges) {
    const list = parents.get(target);
    if (list) {
      list.push(source);
    } else {
      parents.set(target, [source]);
    }
  }
  const byPosition = (a: string, b: string) => (position.get(a) as number) - (position.get(b) as number);

  const built: Omit<IRNode, 'inputsFrom'>[] = [];
  /** Nodes whose save step passes outputs on: they declare outputs or received some. */
  const passing = new Set<string>();
  for (const id of order) {
    const node = byId.get(id) as INode;
    const ref: INodeRef = { id, label: getNodeLabel(node) };
    const pipelineId = flat.pipelineOf.get(id);
    if (pipelineId && pipelineId !== doc.primary_pipeline) {
      ref.pipelineId = pipelineId;
    }
    // flattenPipeline reports each source → target pair once.
    const direct = parents.has(id) ? (parents.get(id) as string[]).sort(byPosition) : [];
    const properties = reuse.effective?.get(node) ?? resolveParameters(node, defaults);
    const irNode = Private.node(node, ref, properties, options, parameters, diagnostics);
    irNode.taskName = taskNames.get(id) as string;
    irNode.runAfter = direct.map(p => taskNames.get(p) as string);
    const inputParents = direct.filter(p => passing.has(p));
    irNode.inputParents = inputParents.map(p => taskNames.get(p) as string);
    if (irNode.outputs.length || inputParents.length) {
      passing.add(id);
    }
    built.push(irNode);
  }
  const nodes = withInputsFrom(built);
  if (order.length < byId.size) {
    diagnostics.push(pipelineError('cycle', undefined, 'The pipeline contains a cycle; it cannot be ordered.'));
  }

  const ir: IRPipeline = { name, displayName, parameters, nodes };
  const description = Private.text(properties.description);
  if (description) {
    ir.description = description;
  }
  return { ir, diagnostics };
}

namespace Private {
  export function record(value: unknown): Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  }

  export function text(value: unknown): string {
    return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  }

  const NONE: never[] = [];

  /** `fn` over the object items of a list property; a fresh [] when there are none. */
  function mapList<T>(value: unknown, fn: (item: Record<string, unknown>) => T): T[] {
    return Array.isArray(value) && value.length ? list(value).map(fn) : [];
  }

  function list(value: unknown): Record<string, unknown>[] {
    return Array.isArray(value) && value.length
      ? value.filter(item => typeof item === 'object' && item !== null && !Array.isArray(item))
      : NONE;
  }

  function strings(value: unknown): string[] {
    return Array.isArray(value) && value.length
      ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map(v => v.trim())
      : NONE;
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

  export function node(
    node: INode,
    ref: INodeRef,
    props: Record<string, unknown>,
    options: IResolvedOptions,
    parameters: IRParameter[],
    diagnostics: IDiagnostic[]
  ): Omit<IRNode, 'inputsFrom'> {
    const error = (code: string, property: string, problem: string) => diagnostics.push(nodeError(ref, code, property, problem));
    const checkReference = (property: string, value: string) => {
      const reference = findTektonReference(value);
      if (reference) {
        error('tekton-reference', property, `"${reference}" would be substituted by Tekton (it has no escape for $(…)); change the value.`);
      }
    };

    const filename = getNodeFilename(node) ?? '';
    const resolved = filename ? resolveNodeFile(options.pipelinePath, filename) : { path: null };
    const file = resolved.path ?? '';
    if (filename && resolved.path === null) {
      error('path-outside-root', 'filename', `${resolved.reason ?? `"${filename}" points outside the server root`}.`);
    }
    const baseDir = dirname(file);

    // Absolute paths, '..' and line breaks are reported by the model's validation; the
    // join guards against escaping the root all the same.
    const dependencies = strings(props.dependencies).filter(
      dependency => checkRelativePattern(dependency) === null && joinRelative(baseDir, dependency) !== null
    );
    const outputs = strings(props.outputs).filter(output => checkRelativePattern(output) === null);

    const runtimeImage = text(props.runtime_image) || options.defaultRuntimeImage || '';
    checkReference('runtime_image', runtimeImage);

    // Per node, so no Sets unless the node uses parameters (most do not).
    const used = strings(props.pipeline_parameters);
    const nodeParameters: string[] = [];
    if (used.length) {
      const consumed = new Set(used);
      for (const p of parameters) {
        if (consumed.has(p.name)) {
          nodeParameters.push(p.name);
        }
      }
    }
    const claimEnv = (name: string, property: string) => {
      // Names the task owns (steps.ts RESERVED_ENV and more) are the model's validation's.
      if (nodeParameters.includes(name)) {
        error('env-var-conflict', property, `"${name}" is also a pipeline parameter this node receives as an environment variable.`);
      }
    };
    const env: { name: string; value: string }[] = [];
    for (const item of list(props.env_vars)) {
      const name = text(item.env_var);
      const value = typeof item.value === 'string' ? item.value : text(item.value);
      if (!name || value === '') {
        continue; // Elyra drops env vars without a value
      }
      claimEnv(name, 'env_vars');
      checkReference('env_vars', value);
      env.push({ name, value });
    }
    const secrets = mapList(props.kubernetes_secrets, item => ({ env_var: text(item.env_var), name: text(item.name), key: text(item.key) }))
      .filter(s => s.env_var && isObjectName(s.name) && s.key);
    for (const secret of secrets) {
      claimEnv(secret.env_var, 'kubernetes_secrets');
    }

    const volumes = mapList(props.mounted_volumes, item => {
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
    for (const volume of volumes) {
      const conflict = mountConflict(volume.path);
      if (conflict) {
        error('invalid-volume', 'mounted_volumes', `cannot mount "${volume.pvc_name}" at ${volume.path}: ${conflict}.`);
      }
      checkReference('mounted_volumes', volume.path + (volume.sub_path ?? ''));
    }

    let sharedMemory: string | undefined;
    const shm = record(props.kubernetes_shared_mem_size);
    const shmSize = typeof shm.size === 'number' ? shm.size : Number(text(shm.size));
    if (Number.isFinite(shmSize) && shmSize > 0) {
      sharedMemory = `${shmSize}${text(shm.units) || 'G'}`;
      if (volumes.some(v => v.path.replace(/\/+$/, '') === '/dev/shm')) {
        error('invalid-volume', 'mounted_volumes', 'a volume is mounted at /dev/shm, where the shared memory size also applies.');
      }
    }

    const resources: IRNode['resources'] = {};
    const cpu = normalizeCpu(props.cpu);
    const cpuLimit = normalizeCpu(props.cpu_limit);
    const memory = normalizeMemory(props.memory);
    const memoryLimit = normalizeMemory(props.memory_limit);
    if (cpu) {
      resources.cpuRequest = cpu;
    }
    if (cpuLimit) {
      resources.cpuLimit = cpuLimit;
    }
    if (memory) {
      resources.memoryRequest = memory;
    }
    if (memoryLimit) {
      resources.memoryLimit = memoryLimit;
    }
    const gpu = typeof props.gpu === 'string' && /^[0-9]+$/.test(props.gpu.trim()) ? Number(props.gpu) : props.gpu;
    if (typeof gpu === 'number' && Number.isInteger(gpu) && gpu > 0) {
      resources.gpu = gpu;
      let vendor = text(props.gpu_vendor);
      if (vendor && !vendor.includes('/')) {
        vendor = `${vendor}/gpu`; // Elyra also accepts a bare vendor domain ("amd.com")
      }
      resources.gpuResourceName = vendor && isQualifiedName(vendor) ? vendor : options.gpuResourceName;
    }

    // Keys and label values are checked by the model's validation; skip what it rejects.
    const keyValues = (property: string, labelValues: boolean) =>
      mapList(props[property], item => ({ key: text(item.key), value: typeof item.value === 'string' ? item.value : text(item.value) }))
        .filter(item => item.key && isQualifiedName(item.key) && (!labelValues || isLabelValue(item.value)));
    const podLabels = keyValues('kubernetes_pod_labels', true);
    const podAnnotations = keyValues('kubernetes_pod_annotations', false);
    const nodeSelector = keyValues('node_selector', true);
    const tolerations = mapList(props.kubernetes_tolerations, item => {
      const toleration: IRNode['tolerations'][number] = {};
      for (const key of ['key', 'operator', 'value', 'effect'] as const) {
        const value = text(item[key]);
        if (value) {
          (toleration as Record<string, string>)[key] = value;
        }
      }
      return toleration;
    });

    let timeout: string | undefined;
    const normalizedTimeout = props.timeout === undefined || props.timeout === '' ? null : normalizeTimeout(props.timeout);
    if (normalizedTimeout) {
      const parsed = parseGoDuration(normalizedTimeout);
      if ('nanos' in parsed && parsed.nanos > 0n) {
        timeout = formatGoDuration(parsed.nanos);
        if (options.pipelineTimeoutNanos > 0n && parsed.nanos > options.pipelineTimeoutNanos) {
          error(
            'timeout-exceeds-pipeline',
            'timeout',
            `${timeout} is longer than the pipeline timeout ${options.tekton.pipelineTimeout}; Tekton would stop the task at the pipeline timeout.`
          );
        }
      }
    }
    const retries = typeof props.retries === 'number' && Number.isInteger(props.retries) && props.retries > 0 ? props.retries : undefined;
    // Retries are fine with the run step's `onError: continue`: Tekton rejects retries only
    // together with a *pipeline task's* onError: continue (pipeline_validation.go), which we
    // do not use; the save step's exit code still fails the attempt.

    const irNode: Omit<IRNode, 'inputsFrom'> = {
      id: ref.id,
      label: ref.label,
      taskName: '',
      // The extension decides how a file runs (as in Elyra's bootstrapper), not the op.
      kind: kindForFile(filename) ?? (getNodeKind(node) as IRNode['kind']),
      file,
      baseDir,
      dependencies,
      includeSubdirectories: props.include_subdirectories === true,
      outputs,
      runtimeImage,
      env,
      secrets,
      volumes,
      resources,
      podLabels,
      podAnnotations,
      tolerations,
      nodeSelector,
      parameters: nodeParameters,
      runAfter: [],
      inputParents: []
    };
    if (sharedMemory) {
      irNode.sharedMemory = sharedMemory;
    }
    if (timeout) {
      irNode.timeout = timeout;
    }
    if (retries) {
      irNode.retries = retries;
    }
    return irNode;
  }
}

