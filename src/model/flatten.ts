/**
 * Supernodes inlined: one DAG of the execution nodes of the primary pipeline and of
 * every sub-pipeline reached through supernodes, with edges resolved through the
 * supernodes' ports and binding nodes (common-canvas layout: a supernode input port
 * names its entry binding node in `subflow_node_ref`, an output port its exit binding
 * node; Elyra's older files rely on port ids "<innerNodeId>_inPort/_outPort" instead).
 */
import { getPipeline, readNodes } from './access';
import { nodeDiagnostic } from './diagnostics';
import { isPlainObject } from './json';
import type { IDiagnostic, ILink, INode, IPipeline, IPipelineFlowDocument, IPort } from './types';

export interface IFlatEdge {
  source: string;
  target: string;
}

export interface IFlatPipeline {
  /** Execution nodes (of any op), primary pipeline first, sub-pipelines inlined in place. */
  nodes: INode[];
  /** Upstream → downstream, one per pair, in target order. */
  edges: IFlatEdge[];
  /**
   * Pipeline id of each node in `nodes` that comes from a sub-pipeline; a node not listed
   * is in the primary pipeline (all nodes of a one-pipeline document: no Map entry for
   * each of its 5000 nodes).
   */
  pipelineOf: Map<string, string>;
  diagnostics: IDiagnostic[];
}

const MAX_DEPTH = 64;

function ports(value: unknown): IPort[] {
  return Array.isArray(value) ? value.filter(isPlainObject) as IPort[] : [];
}

function isLink(value: unknown): value is ILink {
  return isPlainObject(value) && typeof value.node_id_ref === 'string';
}

function links(port: IPort): ILink[] {
  return Array.isArray(port.links) ? port.links.filter(isLink) : [];
}

/**
 * The sources of the current target's edges (the edges from `first` on): found by a scan
 * while there are few, as for almost every node, by a Set past that (wide fan-in).
 */
class TargetSources {
  private static readonly SCAN_LIMIT = 16;
  private first = 0;
  private many: Set<string> | null = null;

  constructor(private readonly edges: IFlatEdge[]) {}

  startTarget(): void {
    this.first = this.edges.length;
    this.many = null;
  }

  /** True when no edge of the current target comes from `source` yet. */
  isNew(source: string): boolean {
    if (this.many) {
      return addKey(this.many, source);
    }
    const edges = this.edges;
    for (let i = this.first; i < edges.length; i++) {
      if (edges[i].source === source) {
        return false;
      }
    }
    if (edges.length - this.first >= TargetSources.SCAN_LIMIT) {
      this.many = new Set<string>();
      for (let i = this.first; i < edges.length; i++) {
        this.many.add(edges[i].source);
      }
      this.many.add(source);
    }
    return true;
  }
}

/** Whether no two nodes have the same id. */
function areUnique(nodes: readonly INode[]): boolean {
  const ids = new Set<string>();
  for (let i = 0; i < nodes.length; i++) {
    ids.add(nodes[i].id);
  }
  return ids.size === nodes.length;
}

/** Adds `key` to `seen`; false when it was there already. */
function addKey(seen: Set<string>, key: string): boolean {
  if (seen.has(key)) {
    return false;
  }
  seen.add(key);
  return true;
}

function isEntryBinding(node: INode): boolean {
  return node.type === 'binding_entry_node' || (node.type === 'binding' && ports(node.inputs).length === 0);
}

/**
 * `onlyPipelineIndex`: the positions of a one-pipeline document's nodes in its node list
 * by id, when the caller has them (validatePipeline, from checkDocumentShape), instead of
 * an index built here. With it, `edgePositions` (when given) is filled with the source
 * and target positions of each edge, in pairs, -1 for a node not in the index, so that
 * the caller's cycle search need not look the ids up again.
 */
export function flattenPipeline(
  doc: IPipelineFlowDocument,
  onlyPipelineIndex?: ReadonlyMap<string, number>,
  edgePositions?: number[]
): IFlatPipeline {
  const diagnostics: IDiagnostic[] = [];
  const nodes: INode[] = [];
  /** The pipeline of each node in `nodes`, and its position in that pipeline's node list. */
  const nodePipelines: IPipeline[] = [];
  const nodePositions: number[] = [];
  const pipelineOf = new Map<string, string>();
  const index = new Map<string, ReadonlyMap<string, INode>>();
  /** Sub-pipeline id → the supernode (and its pipeline) that embeds it. */
  const parents = new Map<string, { pipeline: IPipeline; supernode: INode }>();
  /** The caller's index, for a document that is one pipeline. */
  const singleIndex = doc.pipelines.length === 1 ? onlyPipelineIndex : undefined;

  const nodeIn = (pipeline: IPipeline, id: string): INode | undefined => {
    if (singleIndex) {
      const at = singleIndex.get(id);
      return at === undefined ? undefined : pipeline.nodes[at];
    }
    return nodesOf(pipeline).get(id);
  };

  const nodesOf = (pipeline: IPipeline): ReadonlyMap<string, INode> => {
    const known = index.get(pipeline.id);
    if (known) {
      return known;
    }
    const map = new Map<string, INode>();
    const nodes = readNodes(pipeline);
    for (let i = 0; i < nodes.length; i++) {
      map.set(nodes[i].id, nodes[i]);
    }
    index.set(pipeline.id, map);
    return map;
  };

  const subflowOf = (supernode: INode): IPipeline | null => {
    const ref = isPlainObject(supernode.subflow_ref) ? supernode.subflow_ref.pipeline_id_ref : undefined;
    return typeof ref === 'string' ? getPipeline(doc, ref) : null;
  };

  // 1. Collect execution nodes, descending into supernodes (iteratively, in document order).
  const primary = getPipeline(doc, doc?.primary_pipeline);
  if (!primary) {
    return { nodes, edges: [], pipelineOf, diagnostics };
  }
  const visit = (pipeline: IPipeline, pipelineNodes: readonly INode[], path: string[]) => {
    for (let i = 0; i < pipelineNodes.length; i++) {
      const node = pipelineNodes[i];
      if (node.type === 'super_node') {
        const sub = subflowOf(node);
        if (!sub) {
          continue; // reported by the structure checks
        }
        if (path.includes(sub.id) || path.length > MAX_DEPTH) {
          diagnostics.push(nodeDiagnostic(node, 'error', 'subflow-cycle', 'subflow_ref', 'this supernode contains itself.'));
          continue;
        }
        if (parents.has(sub.id)) {
          diagnostics.push(
            nodeDiagnostic(node, 'error', 'subflow-reused', 'subflow_ref', `pipeline "${sub.id}" is already used by another supernode.`)
          );
          continue;
        }
        parents.set(sub.id, { pipeline, supernode: node });
        visit(sub, readNodes(sub), [...path, sub.id]);
      } else if (node.type === 'execution_node') {
        nodes.push(node);
        nodePipelines.push(pipeline);
        nodePositions.push(i);
        if (pipeline !== primary) {
          pipelineOf.set(node.id, pipeline.id);
        }
      }
    }
  };
  const primaryNodes = readNodes(primary);
  visit(primary, primaryNodes, [primary.id]);
  // A one-pipeline document whose node list has no entries to skip: positions in it are
  // the caller's index positions, and whether a link's source runs is known by position,
  // without reading the source node (a random access into a large document).
  const positionIndex = primaryNodes === primary.nodes ? singleIndex : undefined;
  const runsAt = positionIndex ? Private.flags(primary.nodes.length, nodePositions) : null;

  // 2. Resolve each link to the execution nodes it really comes from, added to `out`.
  const collectSources = (
    pipeline: IPipeline,
    nodeId: string,
    portRef: string | undefined,
    targetId: string,
    depth: number,
    out: string[]
  ): void => {
    if (depth > MAX_DEPTH) {
      return;
    }
    const node = nodeIn(pipeline, nodeId);
    if (!node) {
      return;
    }
    if (node.type === 'execution_node') {
      out.push(node.id);
      return;
    }
    if (node.type === 'super_node') {
      const sub = subflowOf(node);
      if (!sub || parents.get(sub.id)?.supernode !== node) {
        return;
      }
      const outPort = ports(node.outputs).find(port => port.id === portRef) ?? (ports(node.outputs).length === 1 ? ports(node.outputs)[0] : undefined);
      const exitId = outPort && typeof outPort.subflow_node_ref === 'string' ? outPort.subflow_node_ref : undefined;
      const exit = exitId ? nodeIn(sub, exitId) : undefined;
      if (exit) {
        const inputs = ports(exit.inputs);
        const matching = inputs.filter(port => portRef && typeof port.id === 'string' && port.id.includes(portRef));
        for (const port of matching.length ? matching : inputs) {
          for (const link of links(port)) {
            collectSources(sub, link.node_id_ref, link.port_id_ref, targetId, depth + 1, out);
          }
        }
        return;
      }
      if (portRef && portRef.endsWith('_outPort')) {
        collectSources(sub, portRef.slice(0, -'_outPort'.length), 'outPort', targetId, depth + 1, out);
      }
      return;
    }
    if (isEntryBinding(node)) {
      const parent = parents.get(pipeline.id);
      if (!parent) {
        return;
      }
      const inputs = ports(parent.supernode.inputs);
      let feeding = inputs.filter(port => port.subflow_node_ref === node.id);
      if (feeding.length > 1 && portRef) {
        const narrowed = feeding.filter(port => typeof port.id === 'string' && portRef.includes(port.id));
        feeding = narrowed.length ? narrowed : feeding;
      }
      if (feeding.length === 0) {
        feeding = inputs.filter(port => port.id === `${targetId}_inPort`);
      }
      for (const port of feeding) {
        for (const link of links(port)) {
          collectSources(parent.pipeline, link.node_id_ref, link.port_id_ref, targetId, depth + 1, out);
        }
      }
    }
  };

  const edges: IFlatEdge[] = [];
  const sources: string[] = [];
  // Edges are added target by target, so a target's edges are contiguous and repeats are
  // found among them, without a key string per edge. Not so when node ids repeat (a
  // malformed document): then one Set of "source target" keys, as before.
  const idsAreUnique = singleIndex ? singleIndex.size === primary.nodes.length : areUnique(nodes);
  const seen = idsAreUnique ? null : new Set<string>();
  const targetSources = new TargetSources(edges);
  const positions = positionIndex ? edgePositions : undefined;
  const addEdge = (source: string, target: string, sourceAt: number, targetAt: number) => {
    if (seen ? addKey(seen, `${source}\u0000${target}`) : targetSources.isNew(source)) {
      edges.push({ source, target });
      positions?.push(sourceAt, targetAt);
    }
  };
  // Indexed loops: these run for every link, and for-of allocates an iterator each.
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    const pipeline = nodePipelines[n];
    const inputs = node.inputs;
    if (!Array.isArray(inputs)) {
      continue;
    }
    targetSources.startTarget();
    for (let i = 0; i < inputs.length; i++) {
      const port = inputs[i];
      if (!isPlainObject(port) || !Array.isArray(port.links)) {
        continue;
      }
      for (let l = 0; l < port.links.length; l++) {
        const link: unknown = port.links[l];
        if (!isLink(link)) {
          continue;
        }
        // A link from an execution node of the same pipeline (almost all of them) is its
        // own source; only links through supernodes need the list.
        if (positionIndex) {
          const from = positionIndex.get(link.node_id_ref);
          if (from !== undefined && runsAt![from]) {
            addEdge(link.node_id_ref, node.id, from, nodePositions[n]);
            continue;
          }
        } else {
          const from = nodeIn(pipeline, link.node_id_ref);
          if (from?.type === 'execution_node') {
            addEdge(from.id, node.id, -1, -1);
            continue;
          }
        }
        sources.length = 0;
        collectSources(pipeline, link.node_id_ref, link.port_id_ref, node.id, 0, sources);
        for (let k = 0; k < sources.length; k++) {
          addEdge(sources[k], node.id, positionIndex?.get(sources[k]) ?? -1, nodePositions[n]);
        }
      }
    }
  }
  // Links from a supernode's input straight to its output (pass-through) are resolved
  // above through the exit binding; nothing else to do.
  return { nodes, edges, pipelineOf, diagnostics };
}

/**
 * Groups of node ids that form cycles (strongly connected components with more than one
 * node, or a node linked to itself). Iterative Tarjan: safe on 5000-node chains. Nodes
 * are numbered and the graph and Tarjan's state are typed arrays: this runs on every
 * validation, and Maps of ids, an array per node and a frame object per step were much
 * of its garbage.
 */
export function findCycles(nodeIds: string[], edges: IFlatEdge[]): string[][] {
  const numberOf = new Map<string, number>();
  const ids: string[] = [];
  for (let i = 0; i < nodeIds.length; i++) {
    const id = nodeIds[i];
    if (!numberOf.has(id)) {
      numberOf.set(id, ids.length);
      ids.push(id);
    }
  }
  return Private.cycles(Private.numberedGraph(ids.length, numberOf, edges), number => ids[number]);
}

/**
 * findCycles over the execution nodes of a one-pipeline document, numbered by their
 * positions in its node list: `edgePositions` as flattenPipeline fills it. Its other
 * nodes have no edges, so they add no cycles.
 */
export function findCyclesInPipeline(nodes: readonly INode[], edgePositions: readonly number[]): string[][] {
  return Private.cycles(Private.graphOfPairs(nodes.length, edgePositions, edgePositions.length / 2), number => nodes[number].id);
}

/**
 * The successors of `count` numbered nodes, given edges as parallel source and target
 * arrays, in one array: node i's are `successors[offsets[i] .. offsets[i + 1])`, in
 * edge order (compressed sparse rows: no array per node).
 */
export function successorLists(count: number, sources: Int32Array, targets: Int32Array): { offsets: Int32Array; successors: Int32Array } {
  const offsets = new Int32Array(count + 1);
  for (let e = 0; e < sources.length; e++) {
    offsets[sources[e] + 1]++;
  }
  for (let i = 0; i < count; i++) {
    offsets[i + 1] += offsets[i];
  }
  const fill = offsets.slice(0, count);
  const successors = new Int32Array(sources.length);
  for (let e = 0; e < sources.length; e++) {
    successors[fill[sources[e]]++] = targets[e];
  }
  return { offsets, successors };
}

namespace Private {
  /** Tarjan over a numbered graph, starting from nodes 0, 1, ...; components as ids. */
  export function cycles(graph: INumberedGraph, idOf: (number: number) => string): string[][] {
    const { count, offsets, successors, selfLoop } = graph;
    const order = new Int32Array(count).fill(-1);
    const low = new Int32Array(count);
    const onStack = new Uint8Array(count);
    const stack = new Int32Array(count);
    /** Where each node sits on `stack` (valid while it is on it). */
    const stackAt = new Int32Array(count);
    // The depth-first path: a node and the position of its next successor to visit.
    const pathNodes = new Int32Array(count);
    const pathNext = new Int32Array(count);
    const cycles: string[][] = [];
    let counter = 0;
    let stackSize = 0;
    let depth = 0;
    const enter = (node: number) => {
      order[node] = low[node] = counter++;
      stackAt[node] = stackSize;
      stack[stackSize++] = node;
      onStack[node] = 1;
      pathNodes[depth] = node;
      pathNext[depth++] = offsets[node];
    };
    for (let start = 0; start < count; start++) {
      if (order[start] !== -1) {
        continue;
      }
      enter(start);
      while (depth) {
        const node = pathNodes[depth - 1];
        if (pathNext[depth - 1] < offsets[node + 1]) {
          const next = successors[pathNext[depth - 1]++];
          if (order[next] === -1) {
            enter(next);
          } else if (onStack[next]) {
            low[node] = Math.min(low[node], order[next]);
          }
          continue;
        }
        depth--;
        if (depth) {
          const parent = pathNodes[depth - 1];
          low[parent] = Math.min(low[parent], low[node]);
        }
        if (low[node] === order[node]) {
          const first = stackAt[node];
          if (stackSize - first > 1 || selfLoop[node]) {
            const component: string[] = [];
            for (let i = first; i < stackSize; i++) {
              component.push(idOf(stack[i]));
            }
            cycles.push(component);
          }
          for (let i = first; i < stackSize; i++) {
            onStack[stack[i]] = 0;
          }
          stackSize = first;
        }
      }
    }
    return cycles;
  }

  /** A graph over node numbers: successors of node i are successors[offsets[i] .. offsets[i + 1]). */
  export interface INumberedGraph {
    count: number;
    offsets: Int32Array;
    successors: Int32Array;
    selfLoop: Uint8Array;
  }

  /** The edges between numbered nodes, kept in order; edges to or from unknown ids are left out. */
  export function numberedGraph(count: number, numberOf: ReadonlyMap<string, number>, edges: IFlatEdge[]): INumberedGraph {
    const pairs = new Int32Array(2 * edges.length);
    for (let e = 0; e < edges.length; e++) {
      pairs[2 * e] = numberOf.get(edges[e].source) ?? -1;
      pairs[2 * e + 1] = numberOf.get(edges[e].target) ?? -1;
    }
    return graphOfPairs(count, pairs, edges.length);
  }

  /** The graph of `pairCount` edges given as source and target numbers in `pairs`; pairs with a -1 are left out. */
  export function graphOfPairs(count: number, pairs: ArrayLike<number>, pairCount: number): INumberedGraph {
    const sources = new Int32Array(pairCount);
    const targets = new Int32Array(pairCount);
    const selfLoop = new Uint8Array(count);
    let known = 0;
    for (let e = 0; e < pairCount; e++) {
      const source = pairs[2 * e];
      const target = pairs[2 * e + 1];
      if (source < 0 || target < 0) {
        continue;
      }
      sources[known] = source;
      targets[known++] = target;
      if (source === target) {
        selfLoop[source] = 1;
      }
    }
    const { offsets, successors } = successorLists(count, sources.subarray(0, known), targets.subarray(0, known));
    return { count, offsets, successors, selfLoop };
  }

  /** A flag per position (of `count`), set at each of `positions`. */
  export function flags(count: number, positions: readonly number[]): Uint8Array {
    const set = new Uint8Array(count);
    for (let i = 0; i < positions.length; i++) {
      set[positions[i]] = 1;
    }
    return set;
  }
}
