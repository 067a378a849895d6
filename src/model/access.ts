/**
 * Read-only accessors over a pipeline document. They tolerate malformed input (a
 * document that failed validation can still be shown) and never throw.
 */
import { isPlainObject } from './json';
import { basename } from './paths';
import {
  IComment,
  IComponentParameters,
  INode,
  IPipeline,
  IPipelineFlowDocument,
  NODE_OPS,
  NodeKind
} from './types';

const KIND_BY_OP: Record<string, NodeKind> = Object.fromEntries(
  (Object.keys(NODE_OPS) as NodeKind[]).map(kind => [NODE_OPS[kind], kind])
);

/** The pipeline named by `primary_pipeline`, or null. */
export function getPrimaryPipeline(doc: IPipelineFlowDocument): IPipeline | null {
  return getPipeline(doc, doc?.primary_pipeline);
}

export function getPipeline(doc: IPipelineFlowDocument, pipelineId: string | undefined): IPipeline | null {
  if (!doc || !Array.isArray(doc.pipelines)) {
    return null;
  }
  for (const pipeline of doc.pipelines) {
    if (isPlainObject(pipeline) && pipeline.id === pipelineId) {
      return pipeline;
    }
  }
  return null;
}

/** Nodes of a pipeline, skipping entries that are not objects. */
export function getNodes(pipeline: IPipeline | null | undefined): INode[] {
  if (!pipeline || !Array.isArray(pipeline.nodes)) {
    return [];
  }
  return pipeline.nodes.filter(node => isPlainObject(node));
}

/**
 * getNodes without a copy when there is nothing to skip (validation reads the nodes of
 * every pipeline several times): the pipeline's own list, not to be changed.
 */
export function readNodes(pipeline: IPipeline | null | undefined): readonly INode[] {
  if (!pipeline || !Array.isArray(pipeline.nodes)) {
    return NO_NODES;
  }
  const nodes: unknown[] = pipeline.nodes;
  for (let i = 0; i < nodes.length; i++) {
    if (!isPlainObject(nodes[i])) {
      return getNodes(pipeline);
    }
  }
  return pipeline.nodes;
}

const NO_NODES: readonly INode[] = Object.freeze([]);

/** Finds a node in any pipeline of the document. */
export function findNode(
  doc: IPipelineFlowDocument,
  nodeId: string
): { node: INode; pipeline: IPipeline; index: number } | null {
  if (!doc || !Array.isArray(doc.pipelines)) {
    return null;
  }
  for (const pipeline of doc.pipelines) {
    if (!isPlainObject(pipeline) || !Array.isArray(pipeline.nodes)) {
      continue;
    }
    const index = pipeline.nodes.findIndex(node => isPlainObject(node) && node.id === nodeId);
    if (index !== -1) {
      return { node: pipeline.nodes[index], pipeline, index };
    }
  }
  return null;
}

/** The node's component_parameters, or an empty object. */
export function getNodeParameters(node: INode): IComponentParameters {
  const params = isPlainObject(node?.app_data) ? node.app_data.component_parameters : undefined;
  return isPlainObject(params) ? params : {};
}

/** The node's filename when it is a non-empty string. */
export function getNodeFilename(node: INode): string | undefined {
  const filename = getNodeParameters(node).filename;
  return typeof filename === 'string' && filename.trim() !== '' ? filename : undefined;
}

/**
 * The label shown for a node, as Elyra computes it: the user's label when set, else the
 * file name, else the label recorded in ui_data (supernodes, components), else ''.
 */
export function getNodeLabel(node: INode): string {
  const appData = isPlainObject(node?.app_data) ? node.app_data : {};
  if (typeof appData.label === 'string' && appData.label.trim() !== '') {
    return appData.label;
  }
  const filename = getNodeFilename(node);
  if (filename) {
    return basename(filename);
  }
  const uiData = isPlainObject(appData.ui_data) ? appData.ui_data : {};
  if (typeof uiData.label === 'string') {
    return uiData.label;
  }
  return '';
}

/** notebook / python / r for the ops we run; null for anything else (e.g. KFP components). */
export function getNodeKind(node: INode): NodeKind | null {
  if (!isPlainObject(node) || typeof node.op !== 'string') {
    return null;
  }
  if (node.type !== undefined && node.type !== 'execution_node') {
    return null;
  }
  return Object.prototype.hasOwnProperty.call(KIND_BY_OP, node.op) ? KIND_BY_OP[node.op] : null;
}

export interface ILinkInfo {
  id: string;
  /** Upstream node id. */
  source: string;
  /** Downstream node id (the node whose input port stores the link). */
  target: string;
  /** Output port of the source ('outPort' for ordinary nodes). */
  sourcePort?: string;
  /** Input port of the target ('inPort' for ordinary nodes). */
  targetPort: string;
}

/** Links of one pipeline (default: the primary one), in document order. */
export function getLinks(doc: IPipelineFlowDocument, pipelineId?: string): ILinkInfo[] {
  const pipeline = getPipeline(doc, pipelineId ?? doc?.primary_pipeline);
  return getPipelineLinks(pipeline);
}

export function getPipelineLinks(pipeline: IPipeline | null): ILinkInfo[] {
  const links: ILinkInfo[] = [];
  for (const node of getNodes(pipeline)) {
    if (!Array.isArray(node.inputs)) {
      continue;
    }
    for (const port of node.inputs) {
      if (!isPlainObject(port) || !Array.isArray(port.links)) {
        continue;
      }
      for (const link of port.links) {
        if (!isPlainObject(link) || typeof link.node_id_ref !== 'string') {
          continue;
        }
        links.push({
          id: typeof link.id === 'string' ? link.id : `${link.node_id_ref}->${node.id}`,
          source: link.node_id_ref,
          target: node.id,
          sourcePort: typeof link.port_id_ref === 'string' ? link.port_id_ref : undefined,
          targetPort: typeof port.id === 'string' ? port.id : 'inPort'
        });
      }
    }
  }
  return links;
}

/** Canvas comments of a pipeline (default: primary). */
export function getComments(doc: IPipelineFlowDocument, pipelineId?: string): IComment[] {
  const pipeline = getPipeline(doc, pipelineId ?? doc?.primary_pipeline);
  const uiData = pipeline && isPlainObject(pipeline.app_data) ? pipeline.app_data.ui_data : undefined;
  const comments = isPlainObject(uiData) ? uiData.comments : undefined;
  return Array.isArray(comments) ? comments.filter(c => isPlainObject(c)) : [];
}
