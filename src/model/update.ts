/**
 * Immutable update helpers with structural sharing: only the objects on the path to a
 * change are copied, everything else keeps its identity (React relies on that to skip
 * re-rendering untouched nodes).
 */
import { isPlainObject } from './json';
import type { INode, IPipeline, IPipelineFlowDocument } from './types';

/** obj with key set (existing keys keep their position) or removed when value is undefined. */
export function withKey<T extends Record<string, any>>(obj: T | undefined, key: string, value: unknown): T {
  const base = (isPlainObject(obj) ? obj : {}) as T;
  if (value === undefined) {
    if (!(key in base)) {
      return base;
    }
    const { [key]: _removed, ...rest } = base;
    return rest as T;
  }
  if (base[key] === value) {
    return base;
  }
  return { ...base, [key]: value };
}

/** Replaces the pipeline `pipelineId` by `update(pipeline)`; same doc if unchanged. */
export function updatePipeline(
  doc: IPipelineFlowDocument,
  pipelineId: string,
  update: (pipeline: IPipeline) => IPipeline
): IPipelineFlowDocument {
  let changed = false;
  const pipelines = doc.pipelines.map(pipeline => {
    if (!isPlainObject(pipeline) || pipeline.id !== pipelineId) {
      return pipeline;
    }
    const next = update(pipeline);
    changed = changed || next !== pipeline;
    return next;
  });
  return changed ? { ...doc, pipelines } : doc;
}

/** Applies `update` to every pipeline; same doc if nothing changed. */
export function updateAllPipelines(
  doc: IPipelineFlowDocument,
  update: (pipeline: IPipeline) => IPipeline
): IPipelineFlowDocument {
  let changed = false;
  const pipelines = doc.pipelines.map(pipeline => {
    if (!isPlainObject(pipeline)) {
      return pipeline;
    }
    const next = update(pipeline);
    changed = changed || next !== pipeline;
    return next;
  });
  return changed ? { ...doc, pipelines } : doc;
}

/** Replaces nodes for which `update` returns a different object. */
export function mapNodes(pipeline: IPipeline, update: (node: INode) => INode): IPipeline {
  if (!Array.isArray(pipeline.nodes)) {
    return pipeline;
  }
  let changed = false;
  const nodes = pipeline.nodes.map(node => {
    if (!isPlainObject(node)) {
      return node;
    }
    const next = update(node);
    changed = changed || next !== node;
    return next;
  });
  return changed ? { ...pipeline, nodes } : pipeline;
}

/** Replaces one node (searched in every pipeline) by `update(node)`. */
export function updateNode(
  doc: IPipelineFlowDocument,
  nodeId: string,
  update: (node: INode) => INode
): IPipelineFlowDocument {
  return updateAllPipelines(doc, pipeline => mapNodes(pipeline, node => (node.id === nodeId ? update(node) : node)));
}

/** node.app_data.<section>.<key> = value (undefined removes). */
export function withNodeAppData(node: INode, section: string | null, key: string, value: unknown): INode {
  const appData = isPlainObject(node.app_data) ? node.app_data : {};
  if (section === null) {
    if (!isPlainObject(node.app_data) && value === undefined) {
      return node;
    }
    const next = withKey(appData, key, value);
    return next === node.app_data ? node : { ...node, app_data: next };
  }
  const current = isPlainObject(appData[section]) ? (appData[section] as Record<string, unknown>) : undefined;
  if (current === undefined && value === undefined) {
    return node;
  }
  const nextSection = withKey(current, key, value);
  if (nextSection === appData[section]) {
    return node;
  }
  return { ...node, app_data: { ...appData, [section]: nextSection } };
}
