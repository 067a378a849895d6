/**
 * Effective node properties: the node's own values, falling back to the primary
 * pipeline's `pipeline_defaults`, with Elyra's semantics (elyra/pipeline/
 * pipeline_definition.py, propagate_pipeline_default_properties):
 * - a scalar default applies when the node's value is empty;
 * - list properties merge with the defaults by key, the node's entry winning;
 * - blank list entries are dropped (env vars without a value included), as Elyra
 *   discards them;
 * - an env var with the same name as a Kubernetes secret is dropped (the secret wins).
 */
import { findNode, getNodeParameters, getPrimaryPipeline } from './access';
import { isPlainObject } from './json';
import { normalizeMountPath } from './paths';
import { isBlankItem } from './propertyCheck';
import { INHERITABLE_PROPERTIES } from './schema';
import type { IComponentParameters, INode, IPipelineFlowDocument } from './types';

type Item = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value));

/** How entries of each list property are identified when merging (Elyra's use_in_key). */
export const LIST_ITEM_KEYS: Record<string, (item: Item) => string> = {
  env_vars: item => text(item.env_var),
  kubernetes_secrets: item => text(item.env_var),
  mounted_volumes: item => (text(item.path) ? normalizeMountPath(text(item.path)) : ''),
  kubernetes_pod_labels: item => text(item.key),
  kubernetes_pod_annotations: item => text(item.key),
  node_selector: item => text(item.key),
  kubernetes_tolerations: item =>
    [item.key, item.operator, item.value, item.effect].map(text).filter(part => part !== '').join(':')
};

const LIST_PROPERTIES = Object.keys(LIST_ITEM_KEYS);

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  if (isPlainObject(value)) {
    for (const key in value) {
      const v = value[key];
      if (!(v === undefined || v === null || v === '')) {
        return false;
      }
    }
    return true;
  }
  return false;
}

/** Entries of a list property without blanks and duplicates (the last entry wins, in the first one's place). */
function cleanList(property: string, value: unknown): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    return [];
  }
  const keyOf = LIST_ITEM_KEYS[property];
  const kept = value.filter(item => !isBlankItem(property, item));
  if (!keyOf) {
    return kept;
  }
  const byKey = new Map<string, unknown>();
  const loose: unknown[] = [];
  for (const item of kept) {
    if (isPlainObject(item)) {
      byKey.set(keyOf(item), item);
    } else {
      loose.push(item);
    }
  }
  return [...byKey.values(), ...loose];
}

/** Defaults' entries first, node entries replacing them in place or appended (Python dict merge). */
function mergeLists(property: string, nodeItems: unknown[], defaultItems: unknown[]): unknown[] {
  const keyOf = LIST_ITEM_KEYS[property];
  if (!keyOf) {
    return nodeItems.length ? nodeItems : defaultItems;
  }
  if (!nodeItems.length && !defaultItems.length) {
    return [];
  }
  const merged = new Map<string, unknown>();
  for (const item of [...defaultItems, ...nodeItems]) {
    if (isPlainObject(item)) {
      merged.set(keyOf(item), item);
    }
  }
  return [...merged.values()];
}

/** The primary pipeline's pipeline_defaults (an empty object when absent). */
export function getPipelineDefaults(doc: IPipelineFlowDocument): IComponentParameters {
  const primary = getPrimaryPipeline(doc);
  const properties = primary && isPlainObject(primary.app_data) ? primary.app_data.properties : undefined;
  const defaults = isPlainObject(properties) ? properties.pipeline_defaults : undefined;
  return isPlainObject(defaults) ? defaults : {};
}

/** Effective properties of a node given the pipeline defaults (see module comment). */
export function resolveParameters(node: INode, defaults: IComponentParameters): IComponentParameters {
  const own = getNodeParameters(node);
  const result: IComponentParameters = { ...own };
  for (const property of LIST_PROPERTIES) {
    if (Array.isArray(own[property])) {
      result[property] = cleanList(property, own[property]);
    }
  }
  for (const property of INHERITABLE_PROPERTIES) {
    const fallback = defaults[property];
    if (isEmptyValue(fallback)) {
      continue;
    }
    if (property in LIST_ITEM_KEYS) {
      if (!Array.isArray(fallback) || (own[property] !== undefined && !Array.isArray(own[property]))) {
        continue;
      }
      const merged = mergeLists(property, (result[property] as unknown[] | undefined) ?? [], cleanList(property, fallback));
      result[property] = merged;
    } else if (isEmptyValue(own[property])) {
      result[property] = fallback;
    }
  }
  const secrets = Array.isArray(result.kubernetes_secrets) ? result.kubernetes_secrets : [];
  if (secrets.length && Array.isArray(result.env_vars)) {
    const secretNames = new Set(secrets.filter(isPlainObject).map(secret => text(secret.env_var)));
    result.env_vars = result.env_vars.filter(env => !(isPlainObject(env) && secretNames.has(text(env.env_var))));
  }
  return result;
}

/** Effective properties of the node `nodeId` ({} when there is no such node). */
export function resolveNodeProperties(doc: IPipelineFlowDocument, nodeId: string): IComponentParameters {
  const found = findNode(doc, nodeId);
  return found ? resolveParameters(found.node, getPipelineDefaults(doc)) : {};
}
