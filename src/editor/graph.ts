/**
 * Turns a pipeline document into React Flow nodes and edges, reusing the previous objects
 * for everything that did not change: React Flow and the memoised node components then
 * only re-render what an edit touched (STYLE.md §5).
 */
import {
  getComments,
  getLinks,
  getNodeKind,
  getNodeLabel,
  getNodeParameters,
  getNodes,
  getPrimaryPipeline,
  resolveNodeProperties
} from '../model';
import type { IComment, IComponentParameters, IDiagnostic, INode, IPipelineFlowDocument } from '../model/types';
import type { Tekton } from '../tokens';
import type { CommentFlowNode, FlowEdge, FlowNode, IPipelineNodeData, PipelineFlowNode } from './types';

export const NODE_TYPE = 'pipeline';
export const COMMENT_TYPE = 'comment';
export const INPUT_PORT = 'inPort';
export const OUTPUT_PORT = 'outPort';
/** Hidden target handle on every node where comment lines end. */
export const COMMENT_PORT = 'comment';
const COMMENT_EDGE_PREFIX = 'comment-link:';

export const DEFAULT_COMMENT_SIZE = { width: 200, height: 80 };

interface INodeSource {
  node: INode;
  commented: boolean;
  defaults: unknown;
  problems: ReadonlyArray<IDiagnostic>;
  runState: Tekton.INodeRunState | null;
}

interface ICommentSource {
  comment: IComment;
}

/** Inputs of one sync. */
export interface IGraphInputs {
  document: IPipelineFlowDocument;
  diagnostics: ReadonlyArray<IDiagnostic>;
  runStates: ReadonlyMap<string, Tekton.INodeRunState>;
}

/** What one node sync saw, per node id: decides what the next sync can reuse. */
export interface ISyncSources {
  nodes: ReadonlyMap<string, INodeSource>;
  comments: ReadonlyMap<string, ICommentSource>;
}

export const EMPTY_SOURCES: ISyncSources = { nodes: new Map(), comments: new Map() };

/**
 * New node list: unchanged nodes keep their previous object (selection, size, position).
 * Pure: the sources of the previous result are passed in and returned, never kept aside,
 * so React may replay or discard a sync (state updater, interrupted render) safely.
 */
export function syncNodes(
  previous: FlowNode[],
  previousSources: ISyncSources,
  inputs: IGraphInputs
): { nodes: FlowNode[]; sources: ISyncSources } {
  const { document } = inputs;
  const pipeline = getPrimaryPipeline(document);
  const defaults = pipeline?.app_data?.properties?.pipeline_defaults;
  const problems = groupProblems(inputs.diagnostics, previousSources);
  const prevById = new Map<string, FlowNode>();
  for (const node of previous) {
    prevById.set(node.id, node);
  }
  const nodeSources = new Map<string, INodeSource>();
  const commentSources = new Map<string, ICommentSource>();
  const commented = new Set<string>();
  const result: FlowNode[] = [];

  for (const comment of getComments(document)) {
    if (typeof comment.id !== 'string') {
      continue;
    }
    for (const ref of comment.associated_id_refs ?? []) {
      commented.add(ref?.node_ref);
    }
    const source: ICommentSource = { comment };
    commentSources.set(comment.id, source);
    const prev = prevById.get(comment.id);
    const old = previousSources.comments.get(comment.id);
    if (prev && prev.type === COMMENT_TYPE && old && old.comment === comment) {
      result.push(prev);
    } else {
      result.push(createCommentNode(comment, prev));
    }
  }

  for (const node of getNodes(pipeline)) {
    if (typeof node.id !== 'string') {
      continue;
    }
    const source: INodeSource = {
      node,
      commented: commented.has(node.id),
      defaults,
      problems: problems.get(node.id) ?? NO_PROBLEMS,
      runState: inputs.runStates.get(node.id) ?? null
    };
    nodeSources.set(node.id, source);
    const prev = prevById.get(node.id);
    const old = previousSources.nodes.get(node.id);
    if (
      prev &&
      prev.type === NODE_TYPE &&
      old &&
      old.node === source.node &&
      old.commented === source.commented &&
      old.defaults === source.defaults &&
      old.problems === source.problems &&
      old.runState === source.runState
    ) {
      result.push(prev);
    } else {
      result.push(createPipelineNode(document, source, prev));
    }
  }
  return { nodes: result, sources: { nodes: nodeSources, comments: commentSources } };
}

/** Group diagnostics by node, keeping last sync's array when the content is the same. */
function groupProblems(
  diagnostics: ReadonlyArray<IDiagnostic>,
  previousSources: ISyncSources
): Map<string, ReadonlyArray<IDiagnostic>> {
  const grouped = new Map<string, IDiagnostic[]>();
  for (const d of diagnostics) {
    if (!d.nodeId) {
      continue;
    }
    let list = grouped.get(d.nodeId);
    if (!list) {
      grouped.set(d.nodeId, (list = []));
    }
    list.push(d);
  }
  const result = new Map<string, ReadonlyArray<IDiagnostic>>();
  for (const [id, list] of grouped) {
    const old = previousSources.nodes.get(id)?.problems;
    result.set(id, old && sameProblems(old, list) ? old : list);
  }
  return result;
}

/** Stateful convenience over `syncNodes` (one caller, one sequence of syncs). */
export class GraphSync {
  syncNodes(previous: FlowNode[], inputs: IGraphInputs): FlowNode[] {
    const { nodes, sources } = syncNodes(previous, this._sources, inputs);
    this._sources = sources;
    return nodes;
  }

  syncEdges(previous: FlowEdge[], document: IPipelineFlowDocument): FlowEdge[] {
    return syncEdges(previous, document);
  }

  private _sources: ISyncSources = EMPTY_SOURCES;
}

/** New edge list: links, then comment attachments; unchanged edges keep their object. */
export function syncEdges(previous: FlowEdge[], document: IPipelineFlowDocument): FlowEdge[] {
  const prevById = new Map<string, FlowEdge>();
  for (const edge of previous) {
    prevById.set(edge.id, edge);
  }
  const result: FlowEdge[] = [];
  const reuse = (edge: FlowEdge): void => {
    const prev = prevById.get(edge.id);
    result.push(
      prev && prev.source === edge.source && prev.target === edge.target ? prev : edge
    );
  };
  for (const link of getLinks(document)) {
    reuse({
      id: link.id,
      source: link.source,
      target: link.target,
      sourceHandle: OUTPUT_PORT,
      targetHandle: INPUT_PORT,
      data: { comment: false }
    });
  }
  for (const comment of getComments(document)) {
    for (const ref of comment.associated_id_refs ?? []) {
      if (!ref || typeof ref.node_ref !== 'string') {
        continue;
      }
      reuse({
        id: commentEdgeId(comment.id, ref.node_ref),
        source: comment.id,
        target: ref.node_ref,
        sourceHandle: OUTPUT_PORT,
        targetHandle: COMMENT_PORT,
        className: 'jp-tekton-PipelineEditor-commentLink',
        data: { comment: true }
      });
    }
  }
  return result;
}

export function commentEdgeId(commentId: string, nodeId: string): string {
  return `${COMMENT_EDGE_PREFIX}${commentId}:${nodeId}`;
}

/** The comment and node ids of a comment edge id, or null for a link id. */
export function parseCommentEdgeId(edgeId: string): { commentId: string; nodeId: string } | null {
  if (!edgeId.startsWith(COMMENT_EDGE_PREFIX)) {
    return null;
  }
  const rest = edgeId.slice(COMMENT_EDGE_PREFIX.length);
  // Ids are UUIDs (no ':'), but be tolerant of other ids by splitting at the last ':'.
  const colon = rest.lastIndexOf(':');
  return colon === -1 ? null : { commentId: rest.slice(0, colon), nodeId: rest.slice(colon + 1) };
}

/** One-line description of what a node runs with: image and resources, else outputs. */
export function summarizeNode(params: IComponentParameters): string {
  const parts: string[] = [];
  if (typeof params.runtime_image === 'string' && params.runtime_image) {
    parts.push(params.runtime_image);
  }
  if (params.cpu !== undefined && params.cpu !== null && params.cpu !== '') {
    parts.push(`${params.cpu} CPU`);
  }
  if (params.memory !== undefined && params.memory !== null && params.memory !== '') {
    parts.push(typeof params.memory === 'number' ? `${params.memory} GB` : String(params.memory));
  }
  if (typeof params.gpu === 'number' && params.gpu > 0) {
    parts.push(`GPU ${params.gpu}`);
  }
  if (parts.length === 0 && Array.isArray(params.outputs) && params.outputs.length > 0) {
    parts.push(`outputs: ${params.outputs.join(', ')}`);
  }
  return parts.join(' · ');
}

const NO_PROBLEMS: ReadonlyArray<IDiagnostic> = [];

function sameProblems(a: ReadonlyArray<IDiagnostic>, b: ReadonlyArray<IDiagnostic>): boolean {
  return (
    a.length === b.length &&
    a.every(
      (d, i) =>
        d.message === b[i].message && d.severity === b[i].severity && d.code === b[i].code
    )
  );
}

function createPipelineNode(
  document: IPipelineFlowDocument,
  source: INodeSource,
  prev: FlowNode | undefined
): PipelineFlowNode {
  const { node } = source;
  const ui = node.app_data?.ui_data ?? {};
  const kind = getNodeKind(node);
  const params = kind ? resolveNodeProperties(document, node.id) : getNodeParameters(node);
  const data: IPipelineNodeData = {
    label: getNodeLabel(node),
    kind,
    summary: summarizeNode(params),
    filename: typeof params.filename === 'string' ? params.filename : '',
    commented: source.commented,
    problems: source.problems,
    runState: source.runState
  };
  return {
    id: node.id,
    type: NODE_TYPE,
    position: { x: toNumber(ui.x_pos), y: toNumber(ui.y_pos) },
    data,
    selected: prev?.selected ?? false,
    measured: prev?.measured,
    ariaLabel: data.label
  };
}

function createCommentNode(comment: IComment, prev: FlowNode | undefined): CommentFlowNode {
  const width = positive(comment.width) ?? DEFAULT_COMMENT_SIZE.width;
  const height = positive(comment.height) ?? DEFAULT_COMMENT_SIZE.height;
  return {
    id: comment.id,
    type: COMMENT_TYPE,
    position: { x: toNumber(comment.x_pos), y: toNumber(comment.y_pos) },
    data: { content: typeof comment.content === 'string' ? comment.content : '' },
    width,
    height,
    selected: prev?.selected ?? false,
    measured: prev?.measured,
    // Comments sit under the nodes and lines.
    zIndex: -1,
    ariaLabel: 'Comment'
  };
}

function toNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
