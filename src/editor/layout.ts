/**
 * Auto-arrange: a left-to-right layered layout (dagre) of the pipeline nodes. Comments
 * attached to a node move with it; free comments stay where they are.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { XYPosition } from '@xyflow/react';
import { getComments, getLinks, getNodes, getPrimaryPipeline, moveNodes, updateComment } from '../model';
import type { IPipelineFlowDocument } from '../model/types';

/** Size assumed for nodes React Flow has not measured (off-screen ones). */
export const DEFAULT_NODE_SIZE = { width: 190, height: 56 };

export interface ILayoutInput {
  nodes: { id: string; position: XYPosition; width: number; height: number }[];
  links: { source: string; target: string }[];
  comments: { id: string; position: XYPosition; attachedTo: string[] }[];
}

/** The document with every node (and attached comment) at its arranged position. */
export function arrangeDocument(
  doc: IPipelineFlowDocument,
  sizes: ReadonlyMap<string, { width: number; height: number }>
): IPipelineFlowDocument {
  const nodes = getNodes(getPrimaryPipeline(doc)).map(node => ({
    id: node.id,
    position: { x: Number(node.app_data?.ui_data?.x_pos) || 0, y: Number(node.app_data?.ui_data?.y_pos) || 0 },
    ...(sizes.get(node.id) ?? DEFAULT_NODE_SIZE)
  }));
  const comments = getComments(doc).map(c => ({
    id: c.id,
    position: { x: c.x_pos, y: c.y_pos },
    attachedTo: (c.associated_id_refs ?? []).map(ref => ref.node_ref)
  }));
  const positions = arrange({ nodes, links: getLinks(doc), comments });
  let next = moveNodes(
    doc,
    nodes.map(n => ({ id: n.id, ...positions.get(n.id)! }))
  );
  for (const comment of comments) {
    const position = positions.get(comment.id);
    if (position) {
      next = updateComment(next, comment.id, { x_pos: position.x, y_pos: position.y });
    }
  }
  return next;
}

/** New top-left positions by id (nodes and attached comments). */
export function arrange(input: ILayoutInput): Map<string, XYPosition> {
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set<string>();
  for (const node of input.nodes) {
    ids.add(node.id);
    graph.setNode(node.id, { width: node.width, height: node.height });
  }
  for (const link of input.links) {
    if (ids.has(link.source) && ids.has(link.target)) {
      graph.setEdge(link.source, link.target);
    }
  }
  layout(graph);

  const positions = new Map<string, XYPosition>();
  const moved = new Map<string, XYPosition>();
  for (const node of input.nodes) {
    const laid = graph.node(node.id);
    // dagre returns centres; React Flow wants top-left corners.
    const position = {
      x: Math.round(laid.x - node.width / 2),
      y: Math.round(laid.y - node.height / 2)
    };
    positions.set(node.id, position);
    moved.set(node.id, { x: position.x - node.position.x, y: position.y - node.position.y });
  }
  for (const comment of input.comments) {
    const anchor = comment.attachedTo.find(id => moved.has(id));
    if (anchor) {
      const delta = moved.get(anchor)!;
      positions.set(comment.id, {
        x: Math.round(comment.position.x + delta.x),
        y: Math.round(comment.position.y + delta.y)
      });
    }
  }
  return positions;
}
