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
import { isBlankItem, NO_ITEMS } from './propertyCheck';
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

/**
 * Entries of a list property without blanks and duplicates (the last entry wins, in the
 * first one's place; entries that are not objects go last). The list itself when that
 * changes nothing, as for almost every node.
 */
function cleanList(property: string, list: unknown[]): readonly unknown[] {
  if (list.length === 0) {
    return list;
  }
  if (list.length === 1) {
    return isBlankItem(property, list[0]) ? NO_ITEMS : list;
  }
  const keyOf = LIST_ITEM_KEYS[property];
  const kept = list.filter(item => !isBlankItem(property, item));
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
  return sameOrNew(list, [...byKey.values(), ...loose]);
}

/** Defaults' entries first, node entries replacing them in place or appended (Python dict merge). */
function mergeLists(property: string, nodeItems: readonly unknown[], defaultItems: readonly unknown[]): readonly unknown[] {
  const keyOf = LIST_ITEM_KEYS[property];
  if (!keyOf) {
    return nodeItems.length ? nodeItems : defaultItems;
  }
  if (!nodeItems.length && !defaultItems.length) {
    return NO_ITEMS;
  }
  // Both lists are clean (unique keys): with one of them empty, the merge is the other
  // one's objects, in order.
  if (!defaultItems.length && nodeItems.every(isPlainObject)) {
    return nodeItems;
  }
  if (!nodeItems.length && defaultItems.every(isPlainObject)) {
    return defaultItems;
  }
  const merged = new Map<string, unknown>();
  for (const item of [...defaultItems, ...nodeItems]) {
    if (isPlainObject(item)) {
      merged.set(keyOf(item), item);
    }
  }
  return [...merged.values()];
}

/** `original` when `copy` has the same items in the same order, else `copy`. */
function sameOrNew(original: readonly unknown[], copy: readonly unknown[]): readonly unknown[] {
  if (copy.length !== original.length) {
    return copy;
  }
  for (let i = 0; i < copy.length; i++) {
    if (copy[i] !== original[i]) {
      return copy;
    }
  }
  return original;
}

/** The primary pipeline's pipeline_defaults (an empty object when absent). */
export function getPipelineDefaults(doc: IPipelineFlowDocument): IComponentParameters {
  const primary = getPrimaryPipeline(doc);
  const properties = primary && isPlainObject(primary.app_data) ? primary.app_data.properties : undefined;
  const defaults = isPlainObject(properties) ? properties.pipeline_defaults : undefined;
  return isPlainObject(defaults) ? defaults : {};
}

/**
 * Effective properties of a node given the pipeline defaults (see module comment).
 * Validation keeps this for every node until the compile's IR reads it, so nothing is
 * copied that resolving leaves unchanged: the node's own parameters object when nothing
 * changes, the node's or the defaults' own lists when they are already clean, and one
 * shared frozen empty list. Callers must not mutate the result.
 */
export function resolveParameters(node: INode, defaults: IComponentParameters): IComponentParameters {
  return resolveWithDefaults(node, inheritedDefaults(defaults));
}

/** A pipeline default that nodes can inherit; a list's value is already cleaned. */
export interface IInheritedDefault {
  property: string;
  value: unknown;
  /** Merged with the node's list by key, rather than used when the node's value is empty. */
  isList: boolean;
}

/**
 * The pipeline defaults that nodes can inherit, in INHERITABLE_PROPERTIES order: worked
 * out once for all nodes (most properties have no default; list defaults are cleaned once).
 */
export function inheritedDefaults(defaults: IComponentParameters): IInheritedDefault[] {
  const inherited: IInheritedDefault[] = [];
  for (const property of INHERITABLE_PROPERTIES) {
    const fallback = defaults[property];
    if (isEmptyValue(fallback)) {
      continue;
    }
    if (!(property in LIST_ITEM_KEYS)) {
      inherited.push({ property, value: fallback, isList: false });
    } else if (Array.isArray(fallback)) {
      inherited.push({ property, value: cleanList(property, fallback), isList: true });
    }
  }
  return inherited;
}

/** resolveParameters with the defaults worked out by inheritedDefaults. */
export function resolveWithDefaults(node: INode, inherited: readonly IInheritedDefault[]): IComponentParameters {
  const own = getNodeParameters(node);
  let result = own;
  // Indexed loops: this runs for every node, and for-of allocates an iterator each.
  for (let i = 0; i < LIST_PROPERTIES.length; i++) {
    const property = LIST_PROPERTIES[i];
    const value = own[property];
    const cleaned = Array.isArray(value) ? cleanList(property, value) : value;
    if (cleaned !== value) {
      result = withValue(result, own, property, cleaned);
    }
  }
  for (let i = 0; i < inherited.length; i++) {
    const { property, value: fallback, isList } = inherited[i];
    if (isList) {
      if (own[property] !== undefined && !Array.isArray(own[property])) {
        continue;
      }
      const nodeItems = (result[property] as unknown[] | undefined) ?? NO_ITEMS;
      result = withValue(result, own, property, mergeLists(property, nodeItems, fallback as unknown[]));
    } else if (isEmptyValue(own[property])) {
      result = withValue(result, own, property, fallback);
    }
  }
  const secrets = Array.isArray(result.kubernetes_secrets) ? result.kubernetes_secrets : NO_ITEMS;
  if (secrets.length && Array.isArray(result.env_vars)) {
    const secretNames = new Set(secrets.filter(isPlainObject).map(secret => text(secret.env_var)));
    const envVars = result.env_vars.filter(env => !(isPlainObject(env) && secretNames.has(text(env.env_var))));
    result = withValue(result, own, 'env_vars', sameOrNew(result.env_vars, envVars));
  }
  return result;
}

/** `result` with `property` set to `value`, copying `own` first (never writing to the document). */
function withValue(result: IComponentParameters, own: IComponentParameters, property: string, value: unknown): IComponentParameters {
  if (result[property] === value && property in result) {
    return result;
  }
  const out = result === own ? copyOf(own) : result;
  out[property] = value;
  return out;
}

/**
 * `{ ...own }`. Not a spread: V8 gives each spread copy of these objects a hidden class
 * (map and descriptors, ~400 bytes) of its own, kept until the IR reads it; copies made
 * by Object.assign share theirs, and are made faster.
 */
function copyOf(own: IComponentParameters): IComponentParameters {
  if (!Object.prototype.hasOwnProperty.call(own, '__proto__')) {
    return Object.assign({}, own);
  }
  // An own "__proto__" key (JSON.parse makes one) is data: assigning it would set the
  // copy's prototype instead.
  const copy: IComponentParameters = {};
  for (const key of Reflect.ownKeys(own)) {
    if (!Object.prototype.propertyIsEnumerable.call(own, key)) {
      continue;
    }
    Object.defineProperty(copy, key, { value: (own as Record<PropertyKey, unknown>)[key], writable: true, enumerable: true, configurable: true });
  }
  return copy;
}

/** Effective properties of the node `nodeId` ({} when there is no such node). */
export function resolveNodeProperties(doc: IPipelineFlowDocument, nodeId: string): IComponentParameters {
  const found = findNode(doc, nodeId);
  return found ? resolveParameters(found.node, getPipelineDefaults(doc)) : {};
}
