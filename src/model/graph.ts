/**
 * Pure graph operations. Each returns a new document and leaves its input untouched;
 * nodes that are not affected keep their identity.
 */
import { findNode, getNodeLabel, getNodes, getPipelineLinks, getPrimaryPipeline } from './access';
import { createInputPort, createNode, INewNodeOptions } from './create';
import { newId } from './ids';
import { isPlainObject } from './json';
import { mapNodes, updateAllPipelines, updateNode, updatePipeline, withKey, withNodeAppData } from './update';
import type { ILink, INode, IPipeline, IPipelineFlowDocument, IPort } from './types';

export interface IAddNodeOptions extends INewNodeOptions {
  /** Pipeline to add to; default: the primary pipeline. */
  pipelineId?: string;
}

export function addNode(
  doc: IPipelineFlowDocument,
  options: IAddNodeOptions
): { document: IPipelineFlowDocument; nodeId: string } {
  const node = createNode(options);
  const pipelineId = options.pipelineId ?? doc.primary_pipeline;
  const document = updatePipeline(doc, pipelineId, pipeline => ({
    ...pipeline,
    nodes: [...(Array.isArray(pipeline.nodes) ? pipeline.nodes : []), node]
  }));
  return { document, nodeId: node.id };
}

/** Ids of pipelines referenced by the given supernodes, and by supernodes inside them. */
function subflowsOf(doc: IPipelineFlowDocument, supernodes: INode[]): Set<string> {
  const found = new Set<string>();
  const queue = [...supernodes];
  while (queue.length) {
    const node = queue.pop()!;
    const ref = isPlainObject(node.subflow_ref) ? node.subflow_ref.pipeline_id_ref : undefined;
    if (node.type !== 'super_node' || typeof ref !== 'string' || found.has(ref)) {
      continue;
    }
    found.add(ref);
    const sub = doc.pipelines.find(p => p.id === ref);
    queue.push(...getNodes(sub));
  }
  return found;
}

function withoutLinks(node: INode, drop: (link: ILink) => boolean): INode {
  if (!Array.isArray(node.inputs)) {
    return node;
  }
  let changed = false;
  const inputs = node.inputs.map(port => {
    if (!isPlainObject(port) || !Array.isArray(port.links) || !port.links.some(drop)) {
      return port;
    }
    changed = true;
    const links = port.links.filter(link => !drop(link));
    return withKey(port, 'links', links.length ? links : undefined);
  });
  return changed ? { ...node, inputs } : node;
}

function withoutCommentRefs(pipeline: IPipeline, removed: Set<string>): IPipeline {
  const appData = pipeline.app_data;
  const uiData = isPlainObject(appData) ? appData.ui_data : undefined;
  if (!isPlainObject(uiData) || !Array.isArray(uiData.comments)) {
    return pipeline;
  }
  let changed = false;
  const comments = uiData.comments.map(comment => {
    const refs = isPlainObject(comment) ? comment.associated_id_refs : undefined;
    if (!Array.isArray(refs) || !refs.some(ref => removed.has(ref?.node_ref))) {
      return comment;
    }
    changed = true;
    return { ...comment, associated_id_refs: refs.filter(ref => !removed.has(ref?.node_ref)) };
  });
  return changed ? { ...pipeline, app_data: { ...appData, ui_data: { ...uiData, comments } } } : pipeline;
}

/**
 * Removes nodes, the links to and from them and their comment attachments. Removing a
 * supernode also removes the sub-pipelines only it referenced.
 */
export function removeNodes(doc: IPipelineFlowDocument, ids: Iterable<string>): IPipelineFlowDocument {
  const removed = new Set(ids);
  if (removed.size === 0) {
    return doc;
  }
  const removedNodes = doc.pipelines.flatMap(p => getNodes(p).filter(node => removed.has(node.id)));
  if (removedNodes.length === 0) {
    return doc;
  }
  let next = updateAllPipelines(doc, pipeline => {
    let updated = pipeline;
    if (getNodes(pipeline).some(node => removed.has(node.id))) {
      updated = { ...pipeline, nodes: pipeline.nodes.filter(node => !removed.has(node?.id)) };
    }
    updated = mapNodes(updated, node => withoutLinks(node, link => removed.has(link.node_id_ref)));
    return withoutCommentRefs(updated, removed);
  });
  const orphaned = subflowsOf(next, removedNodes);
  if (orphaned.size) {
    const stillUsed = subflowsOf(
      next,
      next.pipelines.filter(p => !orphaned.has(p.id)).flatMap(p => getNodes(p))
    );
    const drop = [...orphaned].filter(id => !stillUsed.has(id) && id !== next.primary_pipeline);
    if (drop.length) {
      next = { ...next, pipelines: next.pipelines.filter(p => !drop.includes(p.id)) };
    }
  }
  return next;
}

export type ConnectErrorCode = 'self-link' | 'duplicate' | 'cycle' | 'unknown-node' | 'different-pipeline';

export type ConnectResult =
  | { document: IPipelineFlowDocument; linkId: string }
  | { error: string; code: ConnectErrorCode };

export interface IConnectOptions {
  /** Output port of the source; default its first output ('outPort'). */
  sourcePort?: string;
  /** Input port of the target; default its first input ('inPort'). */
  targetPort?: string;
}

/**
 * Would a link source → target close a cycle? True when source is reachable from target
 * (or they are the same node). Works on the pipeline that holds the nodes.
 */
export function wouldCreateCycle(doc: IPipelineFlowDocument, sourceId: string, targetId: string): boolean {
  if (sourceId === targetId) {
    return true;
  }
  const found = findNode(doc, targetId);
  if (!found) {
    return false;
  }
  const downstream = new Map<string, string[]>();
  for (const link of getPipelineLinks(found.pipeline)) {
    const list = downstream.get(link.source);
    if (list) {
      list.push(link.target);
    } else {
      downstream.set(link.source, [link.target]);
    }
  }
  const seen = new Set<string>([targetId]);
  const stack = [targetId];
  while (stack.length) {
    const current = stack.pop()!;
    for (const next of downstream.get(current) ?? []) {
      if (next === sourceId) {
        return true;
      }
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

function firstPortId(ports: IPort[] | undefined, fallback: string): string {
  const port = Array.isArray(ports) ? ports.find(p => isPlainObject(p) && typeof p.id === 'string') : undefined;
  return port ? port.id : fallback;
}

/** Adds a link source → target, or says why not (self-link, duplicate, cycle, ...). */
export function connect(
  doc: IPipelineFlowDocument,
  sourceId: string,
  targetId: string,
  options: IConnectOptions = {}
): ConnectResult {
  const source = findNode(doc, sourceId);
  const target = findNode(doc, targetId);
  if (!source || !target) {
    return { error: `Cannot connect: node ${!source ? sourceId : targetId} does not exist.`, code: 'unknown-node' };
  }
  if (sourceId === targetId) {
    return { error: 'A node cannot be connected to itself.', code: 'self-link' };
  }
  if (source.pipeline !== target.pipeline) {
    return { error: 'Nodes in different pipelines cannot be connected.', code: 'different-pipeline' };
  }
  const sourcePort = options.sourcePort ?? firstPortId(source.node.outputs, 'outPort');
  const targetPort = options.targetPort ?? firstPortId(target.node.inputs, 'inPort');
  const duplicate = getPipelineLinks(source.pipeline).some(
    link =>
      link.source === sourceId &&
      link.target === targetId &&
      (link.sourcePort ?? 'outPort') === sourcePort &&
      link.targetPort === targetPort
  );
  if (duplicate) {
    return {
      error: `"${getNodeLabel(source.node)}" is already connected to "${getNodeLabel(target.node)}".`,
      code: 'duplicate'
    };
  }
  if (wouldCreateCycle(doc, sourceId, targetId)) {
    return {
      error: `Connecting "${getNodeLabel(source.node)}" to "${getNodeLabel(target.node)}" would create a cycle.`,
      code: 'cycle'
    };
  }
  const link: ILink = { id: newId(), node_id_ref: sourceId, port_id_ref: sourcePort };
  const document = updateNode(doc, targetId, node => {
    const inputs = Array.isArray(node.inputs) && node.inputs.length ? node.inputs : [createInputPort()];
    let added = false;
    const nextInputs = inputs.map(port => {
      if (added || !isPlainObject(port) || port.id !== targetPort) {
        return port;
      }
      added = true;
      return { ...port, links: [...(Array.isArray(port.links) ? port.links : []), link] };
    });
    if (!added) {
      nextInputs.push({ ...createInputPort(), id: targetPort, links: [link] });
    }
    return { ...node, inputs: nextInputs };
  });
  return { document, linkId: link.id };
}

/** Removes links by id (from every pipeline). */
export function disconnect(doc: IPipelineFlowDocument, linkIds: Iterable<string>): IPipelineFlowDocument {
  const ids = new Set(linkIds);
  if (ids.size === 0) {
    return doc;
  }
  return updateAllPipelines(doc, pipeline => mapNodes(pipeline, node => withoutLinks(node, link => ids.has(link.id))));
}

/** Sets canvas positions (ui_data.x_pos / y_pos). */
export function moveNodes(
  doc: IPipelineFlowDocument,
  moves: { id: string; x: number; y: number }[]
): IPipelineFlowDocument {
  const byId = new Map(moves.map(move => [move.id, move]));
  if (byId.size === 0) {
    return doc;
  }
  return updateAllPipelines(doc, pipeline =>
    mapNodes(pipeline, node => {
      const move = byId.get(node.id);
      if (!move) {
        return node;
      }
      return withNodeAppData(withNodeAppData(node, 'ui_data', 'x_pos', move.x), 'ui_data', 'y_pos', move.y);
    })
  );
}

/** Keeps ui_data.label equal to the computed label, as Elyra does when it opens a file. */
function syncUiLabel(node: INode): INode {
  const uiData = isPlainObject(node.app_data) ? node.app_data.ui_data : undefined;
  if (!isPlainObject(uiData)) {
    return node;
  }
  return withNodeAppData(node, 'ui_data', 'label', getNodeLabel(node));
}

/** Sets one component parameter (undefined removes it). 'label' sets the label. */
export function setNodeProperty(
  doc: IPipelineFlowDocument,
  nodeId: string,
  key: string,
  value: unknown
): IPipelineFlowDocument {
  if (key === 'label') {
    return setNodeLabel(doc, nodeId, typeof value === 'string' ? value : '');
  }
  return updateNode(doc, nodeId, node => {
    const next = withNodeAppData(node, 'component_parameters', key, value);
    return key === 'filename' && next !== node ? syncUiLabel(next) : next;
  });
}

/**
 * Applies a whole properties-form value ({ label, ...component_parameters }) at once.
 * Keys absent from `values` are kept (they may be fields the form does not show).
 */
export function setNodeProperties(
  doc: IPipelineFlowDocument,
  nodeId: string,
  values: Record<string, unknown>
): IPipelineFlowDocument {
  let next = doc;
  for (const [key, value] of Object.entries(values)) {
    next = setNodeProperty(next, nodeId, key, value);
  }
  return next;
}

export function setNodeLabel(doc: IPipelineFlowDocument, nodeId: string, label: string): IPipelineFlowDocument {
  return updateNode(doc, nodeId, node => syncUiLabel(withNodeAppData(node, null, 'label', label)));
}

function updatePipelineProperties(
  doc: IPipelineFlowDocument,
  pipelineId: string | undefined,
  update: (properties: Record<string, unknown>) => Record<string, unknown>
): IPipelineFlowDocument {
  return updatePipeline(doc, pipelineId ?? doc.primary_pipeline, pipeline => {
    const appData = isPlainObject(pipeline.app_data) ? pipeline.app_data : {};
    const properties = isPlainObject(appData.properties) ? appData.properties : {};
    const next = update(properties);
    return next === appData.properties ? pipeline : { ...pipeline, app_data: { ...appData, properties: next } };
  });
}

/** Sets app_data.properties[key] of the primary pipeline (undefined removes it). */
export function setPipelineProperty(
  doc: IPipelineFlowDocument,
  key: string,
  value: unknown,
  pipelineId?: string
): IPipelineFlowDocument {
  return updatePipelineProperties(doc, pipelineId, properties => withKey(properties, key, value));
}

/** Sets app_data.properties.pipeline_defaults[key] (undefined removes it). */
export function setPipelineDefault(
  doc: IPipelineFlowDocument,
  key: string,
  value: unknown,
  pipelineId?: string
): IPipelineFlowDocument {
  return updatePipelineProperties(doc, pipelineId, properties => {
    const defaults = isPlainObject(properties.pipeline_defaults) ? properties.pipeline_defaults : undefined;
    if (defaults === undefined && value === undefined) {
      return properties;
    }
    const next = withKey(defaults, key, value);
    return next === defaults ? properties : { ...properties, pipeline_defaults: next };
  });
}

/** The primary pipeline's node list (empty when unavailable), for convenience. */
export function getPrimaryNodes(doc: IPipelineFlowDocument): INode[] {
  return getNodes(getPrimaryPipeline(doc));
}
