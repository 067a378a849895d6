/**
 * Checks node and pipeline property values against the JSON Schemas in schema.ts, with
 * Elyra's leniency: null means "not set", and blank list rows (what an emptied form row
 * leaves behind) are ignored, as Elyra discards them before validating.
 */
import { getNodeParameters } from './access';
import { nodeDiagnostic, pipelineDiagnostic } from './diagnostics';
import { isPlainObject } from './json';
import { checkImageReference } from './image';
import { checkSchema, conformsToSchema, describeValue, ICheckOptions, ISchemaProblem } from './schemaCheck';
import { IJsonSchema, nodePropertiesSchema, pipelinePropertiesSchema } from './schema';
import type { IDiagnostic, INode, IPipeline } from './types';

/** Diagnostic code for a problem with each property (default 'invalid-property'). */
export const PROPERTY_CODES: Record<string, string> = {
  runtime_image: 'invalid-image',
  cpu: 'invalid-resource',
  cpu_limit: 'invalid-resource',
  memory: 'invalid-resource',
  memory_limit: 'invalid-resource',
  gpu: 'invalid-resource',
  gpu_vendor: 'invalid-resource',
  kubernetes_shared_mem_size: 'invalid-resource',
  env_vars: 'invalid-env-var',
  kubernetes_secrets: 'invalid-secret',
  mounted_volumes: 'invalid-volume',
  kubernetes_pod_labels: 'invalid-pod-label',
  kubernetes_pod_annotations: 'invalid-pod-annotation',
  kubernetes_tolerations: 'invalid-toleration',
  node_selector: 'invalid-node-selector',
  timeout: 'invalid-timeout',
  retries: 'invalid-retries',
  pipeline_parameters: 'invalid-parameter',
  label: 'invalid-label'
};

export function codeFor(property: string): string {
  return PROPERTY_CODES[property] ?? 'invalid-property';
}

/** Message for one schema problem; image references get the precise reason. */
function problemText(problem: ISchemaProblem, value: unknown, schema: IJsonSchema): string {
  const property = String(problem.path[0] ?? '');
  if (property === 'runtime_image' && problem.path.length === 1 && typeof value === 'string' && value !== '') {
    const reason = checkImageReference(value);
    if (reason) {
      return `${describeValue(value)} is not a valid image reference: ${reason}.`;
    }
  }
  return `${describePath(problem, schema)}${problem.message}.`;
}

/** True for list entries that carry nothing (Elyra drops them silently). */
export function isBlankItem(property: string, item: unknown): boolean {
  if (item === null || item === undefined) {
    return true; // Elyra scrubs null entries too (test_pipeline_with_dirty_list_values)
  }
  if (typeof item === 'string') {
    return item.trim() === '';
  }
  if (!isPlainObject(item)) {
    return false;
  }
  if (property === 'env_vars') {
    // Elyra ignores environment variables without a value.
    return item.value === undefined || item.value === null || item.value === '';
  }
  for (const key in item) {
    const value = item[key];
    if (!(value === undefined || value === null || value === '' || typeof value === 'boolean' || key === 'operator')) {
      return false;
    }
  }
  return true;
}

/** Shared by all values that have nothing to share: never mutated. */
export const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/**
 * Property values with nulls removed and blank list rows dropped, as validation sees
 * them: `values` itself when there is nothing to drop (as for almost every node, so
 * validation copies nothing), else a copy.
 */
export function effectiveValues(values: Record<string, unknown>): Record<string, unknown> {
  for (const key in values) {
    if (!hasOwn(values, key)) {
      continue;
    }
    const value = values[key];
    if (value === null || value === undefined || (Array.isArray(value) && withoutBlankItems(key, value) !== value)) {
      return cleanedValues(values);
    }
  }
  return values;
}

function cleanedValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(values)) {
    const value = effectiveValue(values, key);
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

/** One property as effectiveValues has it: undefined for null, a list without blank rows. */
export function effectiveValue(values: Record<string, unknown>, property: string): unknown {
  const value = values[property];
  if (value === null || value === undefined) {
    return undefined;
  }
  return Array.isArray(value) ? withoutBlankItems(property, value) : value;
}

/** The list itself when no row is blank, else a filtered copy. */
function withoutBlankItems(property: string, list: unknown[]): unknown[] {
  for (let i = 0; i < list.length; i++) {
    if (isBlankItem(property, list[i])) {
      return list.filter(item => !isBlankItem(property, item));
    }
  }
  return list;
}

/** A list property of effective values (see effectiveValues); NO_ITEMS when it is not a list. */
export function listOf(values: Record<string, unknown>, property: string): readonly unknown[] {
  const value = values[property];
  return Array.isArray(value) ? value : NO_ITEMS;
}

function describePath(problem: ISchemaProblem, schema: IJsonSchema): string {
  // path[0] is the property; the rest locates the entry inside it.
  const rest = problem.path.slice(1);
  const parts: string[] = [];
  let current: IJsonSchema | undefined = schema.properties?.[String(problem.path[0])];
  for (const step of rest) {
    if (typeof step === 'number') {
      parts.push(`entry ${step + 1}`);
      current = current?.items;
    } else {
      current = current?.properties?.[step];
      parts.push(current?.title ? `${current.title}` : step);
    }
  }
  return parts.length ? `${parts.join(', ')} ` : '';
}

/** Schema problems of a generic node's properties (label + component_parameters). */
export function checkNodeProperties(node: INode, pointer?: string, options: ICheckOptions = {}): IDiagnostic[] {
  const diagnostics: IDiagnostic[] = [];
  const appData = isPlainObject(node.app_data) ? node.app_data : {};
  const values: Record<string, unknown> = { ...effectiveValues(getNodeParameters(node)) };
  if (appData.label !== undefined && appData.label !== null) {
    values.label = appData.label;
  }
  for (const problem of checkSchema(values, nodePropertiesSchema, [], options)) {
    const property = String(problem.path[0] ?? '');
    diagnostics.push(
      nodeDiagnostic(node, 'error', codeFor(property), property, problemText(problem, values[property], nodePropertiesSchema), {
        ...(pointer ? { path: `${pointer}/app_data/${property === 'label' ? 'label' : `component_parameters/${property}`}` } : {})
      })
    );
  }
  return diagnostics;
}

/**
 * Whether checkNodeProperties finds nothing, asked property by property of the node's
 * own objects (no values object, no effective copies unless a list has blank rows), and
 * only for the properties the node has (about half of the schema's).
 */
export function nodePropertiesConform(node: INode, options: ICheckOptions): boolean {
  const schemas = nodePropertiesSchema.properties!;
  const label = isPlainObject(node.app_data) ? node.app_data.label : undefined;
  const hasLabel = label !== undefined && label !== null;
  if (hasLabel && !conformsToSchema(label, schemas.label, options)) {
    return false;
  }
  // The schema's top level (an object, no constraints) holds for the values object.
  const parameters = getNodeParameters(node);
  for (const property in parameters) {
    if (!hasOwn(parameters, property) || !hasOwn(schemas, property) || (property === 'label' && hasLabel)) {
      continue;
    }
    const value = effectiveValue(parameters, property);
    if (value !== undefined && !conformsToSchema(value, schemas[property], options)) {
      return false;
    }
  }
  return true;
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Schema problems of a pipeline's app_data.properties (name, defaults, parameters). */
export function checkPipelineProperties(pipeline: IPipeline, pointer?: string, options: ICheckOptions = {}): IDiagnostic[] {
  const appData = isPlainObject(pipeline.app_data) ? pipeline.app_data : {};
  const properties = appData.properties;
  if (properties === undefined) {
    return [];
  }
  if (!isPlainObject(properties)) {
    return [pipelineDiagnostic('error', 'invalid-property', 'properties', 'must be an object.')];
  }
  const values: Record<string, unknown> = { ...properties };
  if (isPlainObject(properties.pipeline_defaults)) {
    values.pipeline_defaults = effectiveValues(properties.pipeline_defaults);
  }
  return checkSchema(values, pipelinePropertiesSchema, [], options).map(problem => {
    const isDefault = problem.path[0] === 'pipeline_defaults' && problem.path.length > 1;
    const property = problem.path.slice(0, isDefault ? 2 : 1).map(String).join('.');
    const rest = problem.path.slice(isDefault ? 2 : 1);
    const location = rest.map(step => (typeof step === 'number' ? `entry ${step + 1}` : step)).join(', ');
    let message = `${location ? `${location} ` : ''}${problem.message}.`;
    const defaultsValue = isDefault ? (values.pipeline_defaults as Record<string, unknown>)[String(problem.path[1])] : undefined;
    if (isDefault && problem.path[1] === 'runtime_image' && rest.length === 0 && typeof defaultsValue === 'string') {
      const reason = checkImageReference(defaultsValue);
      message = reason ? `${describeValue(defaultsValue)} is not a valid image reference: ${reason}.` : message;
    }
    const code = isDefault
      ? codeFor(String(problem.path[1]))
      : problem.path[0] === 'pipeline_parameters'
        ? 'invalid-parameter'
        : 'invalid-property';
    return pipelineDiagnostic(
      'error',
      code,
      property,
      message,
      pointer ? { path: `${pointer}/app_data/properties/${problem.path.join('/')}` } : {}
    );
  });
}
