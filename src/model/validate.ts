/**
 * Full validation of a (migrated) document: structure, property schemas, and the rules a
 * schema cannot express (cycles, file kinds, unknown parameters, request ≤ limit, ...).
 * Synchronous; file existence is checked separately by checkFiles (files.ts).
 */
import { getNodeFilename, getNodeKind, getNodeLabel, getNodeParameters, getPipeline, getPipelineLinks, getPrimaryPipeline } from './access';
import { kindForFile } from './create';
import { NO_EXTRA, nodeDiagnostic, pipelineDiagnostic } from './diagnostics';
import { reservedNodeEnvName, reservedParameterName } from './envnames';
import { findCycles, findCyclesInPipeline, flattenPipeline, IFlatPipeline } from './flatten';
import { isPlainObject } from './json';
import {
  checkQualifiedName,
  cpuAmount,
  memoryAmount,
  normalizeCpu,
  normalizeMemory,
  normalizeTimeout
} from './kubernetes';
import { checkRelativePattern, isAbsolute, normalizeMountPath } from './paths';
import { codeFor, effectiveValues, listOf } from './propertyCheck';
import { getPipelineDefaults, inheritedDefaults, resolveWithDefaults } from './resolve';
import { checkDocumentContent, checkDocumentShape } from './structure';
import { IComponentParameters, IDiagnostic, INode, IPipelineFlowDocument, IPipelineParameter, NODE_OPS, NodeKind, Severity } from './types';

export interface IValidateOptions {
  /**
   * Report a node without a runtime image (own or default) as an error. Default false:
   * a warning, since the runtime configuration supplies a default image.
   */
  requireRuntimeImage?: boolean;
  /**
   * Filled in with what validation worked out, for a compile of the same, unchanged
   * document right after (the compiler would otherwise flatten and resolve it again).
   */
  reuse?: IValidationReuse;
}

/** The flattened pipeline and each runnable node's effective properties. */
export interface IValidationReuse {
  flat?: IFlatPipeline;
  /**
   * As resolveParameters returns them: often the node's own parameters object or lists,
   * or one shared frozen empty list, so read-only.
   */
  effective?: IEffectiveProperties;
}

/** Effective properties by node (a Map, or what stands in for one). */
export interface IEffectiveProperties {
  get(node: INode): IComponentParameters | undefined;
  /** How many nodes have them. */
  readonly size: number;
}

/**
 * The effective properties of a one-pipeline document's nodes, kept by their positions in
 * its node list and found through the shape check's index of positions by id: no Map
 * keyed by each of 5000 node objects (hash tables that size crowd the CPU caches).
 * Nodes are added in document order.
 */
class EffectiveByPosition implements IEffectiveProperties {
  size = 0;
  private readonly values: (IComponentParameters | undefined)[];
  /** Where the next added node is looked for in `nodes`. */
  private next = 0;
  /** Nodes not found by position (none unless added out of document order). */
  private others: Map<INode, IComponentParameters> | null = null;

  constructor(
    private readonly nodes: readonly INode[],
    private readonly index: ReadonlyMap<string, number>
  ) {
    this.values = new Array(nodes.length).fill(undefined);
  }

  add(node: INode, value: IComponentParameters): void {
    while (this.next < this.nodes.length && this.nodes[this.next] !== node) {
      this.next++;
    }
    if (this.next < this.nodes.length) {
      this.values[this.next++] = value;
    } else {
      (this.others ??= new Map()).set(node, value);
    }
    this.size++;
  }

  get(node: INode): IComponentParameters | undefined {
    const at = this.index.get(node.id);
    const value = at !== undefined && this.nodes[at] === node ? this.values[at] : undefined;
    return value ?? this.others?.get(node);
  }
}

interface IPropertyProblem {
  property: string;
  problem: string;
  severity?: Severity;
  /** Default: the property's code (codeFor). */
  code?: string;
}

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' '
  )
);

const TIMEOUT_TEXT = /^(([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+|[0-9]+(\.[0-9]+)?)$/;
const QUANTITY_TEXT = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const PATTERN_WHERE: Record<string, string> = {
  dependencies: "dependencies are files or globs relative to the node's file, in its directory or below",
  outputs: "outputs are files or globs relative to the node's working directory"
};

const envVarOf = (item: Record<string, unknown>) => item.env_var;
const keyOf = (item: Record<string, unknown>) => item.key;
const mountPathOf = (item: Record<string, unknown>) =>
  typeof item.path === 'string' && item.path.trim() ? normalizeMountPath(item.path) : '';

/**
 * Rules beyond the schema for a set of node property values (a node's own, or defaults;
 * as effectiveValues has them), added to `problems`. These run for every node, so
 * nothing is allocated unless there is a problem: no arrays of rules, and indexed loops
 * (a for-of loop allocates an iterator here, even in optimized code).
 */
function checkPropertyRules(values: Record<string, unknown>, problems: IPropertyProblem[]): void {
  checkPositiveQuantity('cpu', values.cpu, normalizeCpu, problems);
  checkPositiveQuantity('cpu_limit', values.cpu_limit, normalizeCpu, problems);
  checkPositiveQuantity('memory', values.memory, normalizeMemory, problems);
  checkPositiveQuantity('memory_limit', values.memory_limit, normalizeMemory, problems);
  checkLimitAboveRequest(values, 'cpu', 'cpu_limit', cpuAmount, 'CPU', problems);
  checkLimitAboveRequest(values, 'memory', 'memory_limit', memoryAmount, 'memory', problems);
  const timeout = values.timeout;
  // Well-formed but zero ("0", "0s") passes the schema's pattern.
  if (typeof timeout === 'string' && TIMEOUT_TEXT.test(timeout.trim()) && normalizeTimeout(timeout) === null) {
    problems.push({ property: 'timeout', problem: `must be longer than 0, not "${timeout}".` });
  }
  checkReservedEnvNames('env_vars', listOf(values, 'env_vars'), problems);
  checkReservedEnvNames('kubernetes_secrets', listOf(values, 'kubernetes_secrets'), problems);
  checkRelativePatterns('dependencies', listOf(values, 'dependencies'), problems);
  checkRelativePatterns('outputs', listOf(values, 'outputs'), problems);
  checkRepeatedKeys('env_vars', listOf(values, 'env_vars'), envVarOf, 'environment variable', problems);
  checkRepeatedKeys('kubernetes_secrets', listOf(values, 'kubernetes_secrets'), envVarOf, 'environment variable', problems);
  checkRepeatedKeys('mounted_volumes', listOf(values, 'mounted_volumes'), mountPathOf, 'mount path', problems);
  checkRelativeMountPaths(listOf(values, 'mounted_volumes'), problems);
  checkKeyValueList('kubernetes_pod_labels', listOf(values, 'kubernetes_pod_labels'), problems);
  checkKeyValueList('kubernetes_pod_annotations', listOf(values, 'kubernetes_pod_annotations'), problems);
  checkKeyValueList('node_selector', listOf(values, 'node_selector'), problems);
  checkTolerations(listOf(values, 'kubernetes_tolerations'), problems);
}

function checkPositiveQuantity(
  property: string,
  value: unknown,
  normalize: (value: unknown) => string | null,
  problems: IPropertyProblem[]
): void {
  // Negative numbers and malformed text are schema errors; "0" passes the schema.
  if (typeof value === 'string' && QUANTITY_TEXT.test(value.trim()) && normalize(value) === null) {
    problems.push({ property, problem: `must be greater than 0, not "${value}".` });
  }
}

function checkLimitAboveRequest(
  values: Record<string, unknown>,
  request: string,
  limit: string,
  amount: (value: unknown) => number | null,
  what: string,
  problems: IPropertyProblem[]
): void {
  const requested = amount(values[request]);
  const limited = amount(values[limit]);
  if (requested !== null && limited !== null && limited < requested) {
    problems.push({
      property: limit,
      problem: `the ${what} limit (${String(values[limit])}) is lower than the ${what} request (${String(values[request])}).`
    });
  }
}

/** Labels, annotations and node selectors: keys listed once, each a qualified name. */
function checkKeyValueList(property: string, list: readonly unknown[], problems: IPropertyProblem[]): void {
  checkRepeatedKeys(property, list, keyOf, 'key', problems);
  checkQualifiedKeys(property, list, problems);
}

function checkReservedEnvNames(property: string, list: readonly unknown[], problems: IPropertyProblem[]): void {
  for (let index = 0; index < list.length; index++) {
    const item = list[index];
    const name = isPlainObject(item) && typeof item.env_var === 'string' ? item.env_var.trim() : '';
    const reason = name ? reservedNodeEnvName(name) : null;
    if (reason) {
      problems.push({
        property,
        code: 'reserved-env-var',
        problem: `entry ${index + 1}, environment variable "${name}": ${reason}; use another name.`
      });
    }
  }
}

function checkRelativePatterns(property: string, list: readonly unknown[], problems: IPropertyProblem[]): void {
  for (let index = 0; index < list.length; index++) {
    const item = list[index];
    const reason = typeof item === 'string' ? checkRelativePattern(item) : null;
    if (reason) {
      problems.push({
        property,
        code: property === 'outputs' ? 'invalid-output' : 'invalid-dependency',
        problem: `entry ${index + 1} (${JSON.stringify(item)}) ${reason}; ${PATTERN_WHERE[property]}, e.g. data/*.csv.`
      });
    }
  }
}

/** A warning for each entry whose key an earlier entry already has (a Set only for lists of two or more). */
function checkRepeatedKeys(
  property: string,
  list: readonly unknown[],
  keyOfItem: (item: Record<string, unknown>) => unknown,
  what: string,
  problems: IPropertyProblem[]
): void {
  if (list.length < 2) {
    return;
  }
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isPlainObject(item) || typeof keyOfItem(item) !== 'string' || keyOfItem(item) === '') {
      continue;
    }
    const key = String(keyOfItem(item));
    if (seen.has(key)) {
      problems.push({ property, problem: `${what} "${key}" is listed more than once; the last entry is used.`, severity: 'warning' });
    }
    seen.add(key);
  }
}

function checkRelativeMountPaths(list: readonly unknown[], problems: IPropertyProblem[]): void {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (isPlainObject(item) && typeof item.path === 'string' && item.path.trim() !== '' && !item.path.trim().startsWith('/')) {
      problems.push({
        property: 'mounted_volumes',
        code: 'relative-mount-path',
        severity: 'warning',
        problem: `mount path "${item.path}" is relative; the volume is mounted at ${normalizeMountPath(item.path)}, as Elyra does.`
      });
    }
  }
}

function checkQualifiedKeys(property: string, list: readonly unknown[], problems: IPropertyProblem[]): void {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (isPlainObject(item) && typeof item.key === 'string' && item.key !== '') {
      const reason = checkQualifiedName(item.key);
      if (reason && !/^a key is/.test(reason)) {
        problems.push({ property, problem: `key "${item.key}": ${reason}.` });
      }
    }
  }
}

function checkTolerations(list: readonly unknown[], problems: IPropertyProblem[]): void {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isPlainObject(item)) {
      continue;
    }
    const operator = item.operator ?? 'Equal';
    if (operator === 'Equal' && !item.key) {
      problems.push({ property: 'kubernetes_tolerations', problem: 'a toleration without a key must use the operator "Exists".' });
    }
    if (operator === 'Exists' && item.value) {
      problems.push({
        property: 'kubernetes_tolerations',
        problem: `a toleration with the operator "Exists" must have no value (found "${String(item.value)}").`
      });
    }
  }
}

const VALUE_TYPES: Record<string, (value: unknown) => boolean> = {
  String: value => typeof value === 'string',
  Integer: value => typeof value === 'number' && Number.isInteger(value),
  Float: value => typeof value === 'number' && Number.isFinite(value),
  Bool: value => typeof value === 'boolean'
};

function checkPipelineParameters(parameters: unknown): { diagnostics: IDiagnostic[]; names: Set<string> } {
  const diagnostics: IDiagnostic[] = [];
  const names = new Set<string>();
  if (!Array.isArray(parameters)) {
    return { diagnostics, names };
  }
  const seen = new Set<string>();
  parameters.forEach((raw, index) => {
    if (!isPlainObject(raw) || typeof raw.name !== 'string') {
      return; // schema problem, reported elsewhere
    }
    const parameter = raw as IPipelineParameter;
    const where = `parameter "${parameter.name}" (entry ${index + 1})`;
    names.add(parameter.name);
    if (PYTHON_KEYWORDS.has(parameter.name)) {
      diagnostics.push(
        pipelineDiagnostic('error', 'invalid-parameter', 'pipeline_parameters', `${where}: a parameter name cannot be a Python keyword.`)
      );
    }
    const reserved = reservedParameterName(parameter.name);
    if (reserved) {
      diagnostics.push(
        pipelineDiagnostic(
          'error',
          'reserved-name',
          'pipeline_parameters',
          `${where}: parameters become environment variables of the node, and ${reserved}; rename the parameter.`
        )
      );
    }
    if (seen.has(parameter.name)) {
      diagnostics.push(pipelineDiagnostic('error', 'invalid-parameter', 'pipeline_parameters', `${where}: the name is defined more than once.`));
    }
    seen.add(parameter.name);
    const type = isPlainObject(parameter.default_value) ? parameter.default_value.type : undefined;
    const check = typeof type === 'string' ? VALUE_TYPES[type] : undefined;
    const given = (value: unknown) => value !== undefined && value !== null && value !== '';
    if (check) {
      for (const [label, value] of [
        ['default value', parameter.default_value?.value],
        ['value', parameter.value]
      ] as [string, unknown][]) {
        if (given(value) && !check(value)) {
          diagnostics.push(
            pipelineDiagnostic('error', 'invalid-parameter', 'pipeline_parameters', `${where}: the ${label} ${JSON.stringify(value)} is not of type ${type}.`)
          );
        }
      }
    }
    if (parameter.required === true && !given(parameter.value) && !given(parameter.default_value?.value)) {
      diagnostics.push(
        pipelineDiagnostic('warning', 'missing-parameter-value', 'pipeline_parameters', `${where} is required but has no value; it must be given when the pipeline runs.`)
      );
    }
  });
  return { diagnostics, names };
}

function describeKinds(): string {
  return Object.values(NODE_OPS).join(', ');
}

/** What every node's checks share within one validation. */
interface INodeChecks {
  diagnostics: IDiagnostic[];
  parameterNames: Set<string>;
  options: IValidateOptions;
  /** Scratch list for checkPropertyRules, emptied for each node. */
  problems: IPropertyProblem[];
}

/** Adds the problems of a runnable node to checks.diagnostics. */
function checkGenericNode(node: INode, resolved: Record<string, unknown>, checks: INodeChecks, extra: Partial<IDiagnostic>): void {
  const { diagnostics, options } = checks;
  const kind = getNodeKind(node)!;
  const own = getNodeParameters(node);
  const filename = getNodeFilename(node);
  if (filename === undefined) {
    const raw = own.filename;
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      diagnostics.push(nodeDiagnostic(node, 'error', 'missing-filename', 'filename', 'no file is selected.', extra));
    }
  } else {
    checkFilename(node, kind, filename, diagnostics, extra);
  }
  const image = resolved.runtime_image;
  if (image === undefined || image === null || (typeof image === 'string' && image.trim() === '')) {
    diagnostics.push(
      nodeDiagnostic(
        node,
        options.requireRuntimeImage ? 'error' : 'warning',
        'missing-image',
        'runtime_image',
        options.requireRuntimeImage
          ? 'no runtime image is set (on the node or as a pipeline default).'
          : "no runtime image is set; the runtime configuration's default image will be used.",
        extra
      )
    );
  }
  const problems = checks.problems;
  problems.length = 0;
  checkPropertyRules(effectiveValues(own), problems);
  for (let i = 0; i < problems.length; i++) {
    const { property, problem, severity, code } = problems[i];
    diagnostics.push(nodeDiagnostic(node, severity ?? 'error', code ?? codeFor(property), property, problem, extra));
  }
  const used = listOf(resolved, 'pipeline_parameters');
  for (let i = 0; i < used.length; i++) {
    const name = used[i];
    if (typeof name === 'string' && name !== '' && !checks.parameterNames.has(name)) {
      diagnostics.push(
        nodeDiagnostic(node, 'error', 'unknown-parameter', 'pipeline_parameters', `uses the pipeline parameter "${name}", which is not defined.`, extra)
      );
    }
  }
}

function checkFilename(node: INode, kind: NodeKind, filename: string, diagnostics: IDiagnostic[], extra: Partial<IDiagnostic>): void {
  if (isAbsolute(filename)) {
    diagnostics.push(nodeDiagnostic(node, 'error', 'absolute-path', 'filename', `"${filename}" must be a path relative to the pipeline file.`, extra));
  }
  // Elyra's bootstrapper (elyra/kfp/bootstrapper.py, FileOpBase.get_instance; the same in
  // elyra/airflow) picks notebook / Python / R by the file's extension, whatever the op
  // says, and so does our IR: a mismatch runs fine and is only worth a warning.
  const fileKind = kindForFile(filename);
  if (fileKind === null) {
    diagnostics.push(
      nodeDiagnostic(
        node,
        'error',
        'unsupported-file-type',
        'filename',
        `"${filename}" cannot run: only notebooks (.ipynb), Python scripts (.py) and R scripts (.r) can.`,
        extra
      )
    );
  } else if (fileKind !== kind) {
    diagnostics.push(
      nodeDiagnostic(
        node,
        'warning',
        'file-kind-mismatch',
        'filename',
        `"${filename}" is ${Private.FILE_TEXT[fileKind]}, but the node is ${Private.NODE_TEXT[kind]}; it runs as ${Private.FILE_TEXT[fileKind]} (chosen by the extension, as Elyra does).`,
        extra
      )
    );
  }
}

/** All problems of a document; errors block compiling, warnings do not. */
export function validatePipeline(doc: IPipelineFlowDocument, options: IValidateOptions = {}): IDiagnostic[] {
  const nodeIndex = new Map<string, number>();
  const shape = checkDocumentShape(doc, nodeIndex);
  if (shape.length) {
    return shape;
  }
  // In a one-pipeline document the shape check's index (node positions by id) serves the
  // content checks, flattening and the cycle search too: at 5000 nodes each such index
  // is a large object of its own.
  const onlyPipelineIndex = doc.pipelines.length === 1 ? nodeIndex : undefined;
  const diagnostics: IDiagnostic[] = checkDocumentContent(doc, {}, onlyPipelineIndex);
  const primary = getPrimaryPipeline(doc)!;
  const properties = isPlainObject(primary.app_data) && isPlainObject(primary.app_data.properties) ? primary.app_data.properties : {};
  const defaults = getPipelineDefaults(doc);
  const problems: IPropertyProblem[] = [];
  checkPropertyRules(effectiveValues(defaults), problems);
  for (const { property, problem, severity, code } of problems) {
    diagnostics.push(pipelineDiagnostic(severity ?? 'error', code ?? codeFor(property), `pipeline_defaults.${property}`, problem));
  }
  const parameters = checkPipelineParameters(properties.pipeline_parameters);
  diagnostics.push(...parameters.diagnostics);

  const edgePositions: number[] = [];
  const flat = flattenPipeline(doc, onlyPipelineIndex, edgePositions);
  diagnostics.push(...flat.diagnostics);
  // A one-pipeline document's runnable nodes are in its node list in the same order.
  const byPosition = options.reuse && onlyPipelineIndex ? new EffectiveByPosition(primary.nodes, onlyPipelineIndex) : null;
  const byNode = options.reuse && !onlyPipelineIndex ? new Map<INode, IComponentParameters>() : null;
  if (options.reuse) {
    options.reuse.flat = flat;
    options.reuse.effective = (byPosition ?? byNode)!;
  }
  const extraFor = (node: INode): Partial<IDiagnostic> => {
    if (onlyPipelineIndex) {
      return NO_EXTRA; // every node is in the primary pipeline
    }
    const pipelineId = flat.pipelineOf.get(node.id);
    return pipelineId && pipelineId !== doc.primary_pipeline ? { pipelineId } : NO_EXTRA;
  };
  if (flat.nodes.length === 0) {
    diagnostics.push({ severity: 'error', code: 'empty-pipeline', message: 'The pipeline has no nodes: add a notebook or script to run.' });
  }
  const checks: INodeChecks = { diagnostics, parameterNames: parameters.names, options, problems };
  const inherited = inheritedDefaults(defaults);
  // The first node with each label; a list only for labels that repeat (a list per
  // node was 5000 arrays alive through the whole validation).
  const firstWithLabel = new Map<string, INode>();
  const repeated = new Map<string, INode[]>();
  for (let i = 0; i < flat.nodes.length; i++) {
    const node = flat.nodes[i];
    const extra = extraFor(node);
    const label = getNodeLabel(node);
    if (label.trim() === '') {
      diagnostics.push(nodeDiagnostic(node, 'warning', 'empty-label', 'label', 'the node has no label.', extra));
    } else {
      const first = firstWithLabel.get(label);
      if (first === undefined) {
        firstWithLabel.set(label, node);
      } else {
        const same = repeated.get(label);
        if (same) {
          same.push(node);
        } else {
          repeated.set(label, [first, node]);
        }
      }
    }
    if (getNodeKind(node) === null) {
      diagnostics.push(
        nodeDiagnostic(
          node,
          'error',
          'unsupported-op',
          undefined,
          `"${String(node.op)}" nodes cannot run here (only ${describeKinds()}); this looks like a Kubeflow Pipelines or Airflow component. The node is kept in the file.`,
          extra
        )
      );
      continue;
    }
    const resolved = resolveWithDefaults(node, inherited);
    if (byPosition) {
      byPosition.add(node, resolved);
    } else {
      byNode?.set(node, resolved);
    }
    checkGenericNode(node, resolved, checks, extra);
  }
  // In the order of each label's first node, as before.
  for (const label of repeated.size ? firstWithLabel.keys() : []) {
    const nodes = repeated.get(label);
    if (nodes) {
      for (const node of nodes) {
        diagnostics.push(
          nodeDiagnostic(node, 'warning', 'duplicate-label', 'label', `${nodes.length} nodes are labelled "${label}"; give each a distinct label.`, extraFor(node))
        );
      }
    }
  }
  // flattenPipeline gives the edges' node positions for a one-pipeline document (whose
  // nodes are all objects, after the shape check).
  const cycles =
    onlyPipelineIndex && edgePositions.length === 2 * flat.edges.length
      ? findCyclesInPipeline(primary.nodes, edgePositions)
      : findCycles(flat.nodes.map(node => node.id), flat.edges);
  if (cycles.length) {
    checkCycles(doc, flat, cycles, diagnostics, extraFor);
  }
  return diagnostics;
}

/** An error for each node in a cycle, naming the cycle's nodes and the links that close it. */
function checkCycles(
  doc: IPipelineFlowDocument,
  flat: IFlatPipeline,
  cycles: string[][],
  diagnostics: IDiagnostic[],
  extraFor: (node: INode) => Partial<IDiagnostic>
): void {
  const byId = new Map(flat.nodes.map(node => [node.id, node]));
  for (const cycle of cycles) {
    const members = new Set(cycle);
    const names = cycle.map(id => `"${getNodeLabel(byId.get(id)!) || id}"`).join(', ');
    for (const id of cycle) {
      const node = byId.get(id)!;
      const pipeline = getPipeline(doc, flat.pipelineOf.get(id) ?? doc.primary_pipeline);
      const linkIds = getPipelineLinks(pipeline)
        .filter(link => link.target === id && members.has(link.source))
        .map(link => link.id);
      diagnostics.push(
        nodeDiagnostic(node, 'error', 'cycle', undefined, `is part of a cycle (${names}); a pipeline must not loop back on itself.`, {
          ...extraFor(node),
          linkIds
        })
      );
    }
  }
}

namespace Private {
  export const FILE_TEXT: Record<NodeKind, string> = {
    notebook: 'a notebook',
    python: 'a Python script',
    r: 'an R script'
  };

  export const NODE_TEXT: Record<NodeKind, string> = {
    notebook: 'a notebook node',
    python: 'a Python script node',
    r: 'an R script node'
  };
}
