/**
 * The IR's node order: the runnable nodes of a flattened pipeline by index (a repeated id:
 * the last node wins), in topological order with ties broken by node id (so the YAML
 * does not change when nodes move in the file), and each node's direct parents in that
 * order.
 *
 * Indices and typed arrays instead of id-keyed Maps, Sets and per-node arrays: at
 * thousands of nodes those cost more (allocation, GC, cache misses) than the work itself.
 */
import { getNodeFilename, getNodeKind, getNodeLabel, INode, successorLists } from './model';
import type { IFlatPipeline } from '../model';

/** Runnable nodes (unique by id) and the edges between them, by node index. */
export interface IRunnableGraph {
  /** Read-only: often the flat pipeline's own list. */
  nodes: INode[];
  labels: string[];
  filenames: (string | undefined)[];
  /** Per node index: its position in node-id order. */
  rank: Int32Array;
  /** Node indices in node-id order. */
  byRank: number[];
  sources: Int32Array;
  targets: Int32Array;
}

export function runnableGraph(flat: IFlatPipeline): IRunnableGraph {
  // Usually every node runs and ids are unique (the map's size tells): then the flat list
  // is the node list, with one hash operation per node.
  let nodes: INode[] = flat.nodes;
  let indexOf = new Map<string, number>();
  let allRunnable = true;
  for (let k = 0; k < nodes.length; k++) {
    allRunnable = getNodeKind(nodes[k]) !== null && allRunnable;
    indexOf.set(nodes[k].id, k);
  }
  if (!allRunnable || indexOf.size < nodes.length) {
    ({ nodes, indexOf } = runnableWithoutRepeatedIds(nodes));
  }
  const labels: string[] = new Array(nodes.length);
  const filenames: (string | undefined)[] = new Array(nodes.length);
  const byRank: number[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    labels[i] = getNodeLabel(nodes[i]);
    filenames[i] = getNodeFilename(nodes[i]);
    byRank[i] = i;
  }
  byRank.sort((a, b) => compareIds(nodes[a].id, nodes[b].id));
  const rank = new Int32Array(nodes.length);
  for (let r = 0; r < nodes.length; r++) {
    rank[byRank[r]] = r;
  }
  let sources = new Int32Array(flat.edges.length);
  let targets = new Int32Array(flat.edges.length);
  let count = 0;
  // Edges come in target order: look a target up once for all its edges.
  let target: string | undefined;
  let to: number | undefined;
  for (let e = 0; e < flat.edges.length; e++) {
    const edge = flat.edges[e];
    if (edge.target !== target) {
      target = edge.target;
      to = indexOf.get(target);
    }
    const from = indexOf.get(edge.source);
    if (from !== undefined && to !== undefined) {
      sources[count] = from;
      targets[count++] = to;
    }
  }
  if (count < flat.edges.length) {
    sources = sources.subarray(0, count);
    targets = targets.subarray(0, count);
  }
  return { nodes, labels, filenames, rank, byRank, sources, targets };
}

/**
 * The runnable nodes, one per id at its id's first position: the last node with the id
 * wins (validation reports repeats).
 */
function runnableWithoutRepeatedIds(all: INode[]): { nodes: INode[]; indexOf: Map<string, number> } {
  const nodes: INode[] = [];
  const indexOf = new Map<string, number>();
  for (const node of all) {
    if (getNodeKind(node) === null) {
      continue;
    }
    const index = indexOf.get(node.id);
    if (index === undefined) {
      indexOf.set(node.id, nodes.length);
      nodes.push(node);
    } else {
      nodes[index] = node;
    }
  }
  return { nodes, indexOf };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Kahn's algorithm over node indices, ties broken by node id (a min-heap of ranks: a
 * sorted ready list made wide DAGs quadratic). Also lists each ordered node's direct
 * parents in order: `parents[parentStart[i] .. parentStart[i + 1])`. Nodes in cycles are
 * left out.
 */
export function orderGraph(graph: IRunnableGraph): { order: Int32Array; parentStart: Int32Array; parents: Int32Array } {
  const size = graph.nodes.length;
  const { sources, targets } = graph;
  const indegree = new Int32Array(size);
  for (let e = 0; e < targets.length; e++) {
    indegree[targets[e]]++;
  }
  const parentStart = new Int32Array(size + 1);
  for (let i = 0; i < size; i++) {
    parentStart[i + 1] = parentStart[i] + indegree[i];
  }
  const { offsets: childStart, successors: children } = successorLists(size, sources, targets);

  const ready = new MinHeap(size);
  for (let i = 0; i < size; i++) {
    if (indegree[i] === 0) {
      ready.push(graph.rank[i]);
    }
  }
  const parents = new Int32Array(sources.length);
  const parentFill = parentStart.slice(0, size);
  const order = new Int32Array(size);
  let ordered = 0;
  while (ready.size) {
    const node = graph.byRank[ready.pop()];
    order[ordered++] = node;
    for (let c = childStart[node]; c < childStart[node + 1]; c++) {
      const child = children[c];
      // Parents are recorded as they are ordered: each list comes out in topological order.
      parents[parentFill[child]++] = node;
      if (--indegree[child] === 0) {
        ready.push(graph.rank[child]);
      }
    }
  }
  return { order: order.subarray(0, ordered), parentStart, parents };
}

/** A binary min-heap of distinct integers (node ranks). */
class MinHeap {
  size = 0;
  private readonly items: Int32Array;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
  }

  push(value: number): void {
    const items = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= value) {
        break;
      }
      items[i] = items[parent];
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const top = items[0];
    const size = --this.size;
    const last = items[size];
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) {
        break;
      }
      const child = left + 1 < size && items[left + 1] < items[left] ? left + 1 : left;
      if (last <= items[child]) {
        break;
      }
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
}
