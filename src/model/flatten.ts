/**
 * Supernodes inlined: one DAG of the execution nodes of the primary pipeline and of
 * every sub-pipeline reached through supernodes, with edges resolved through the
 * supernodes' ports and binding nodes (common-canvas layout: a supernode input port
 * names its entry binding node in `subflow_node_ref`, an output port its exit binding
 * node; Elyra's older files rely on port ids "<innerNodeId>_inPort/_outPort" instead).
 */
import { getNodes, getPipeline } from './access';
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
  /** Pipeline id of each node in `nodes`. */
  pipelineOf: Map<string, string>;
  diagnostics: IDiagnostic[];
}

const MAX_DEPTH = 64;

function ports(value: unknown): IPort[] {
  return Array.isArray(value) ? value.filter(isPlainObject) as IPort[] : [];
}

function links(port: IPort): ILink[] {
  return Array.isArray(port.links) ? port.links.filter(l => isPlainObject(l) && typeof l.node_id_ref === 'string') : [];
}

function isEntryBinding(node: INode): boolean {
  return node.type === 'binding_entry_node' || (node.type === 'binding' && ports(node.inputs).length === 0);
}

export function flattenPipeline(doc: IPipelineFlowDocument): IFlatPipeline {
  const diagnostics: IDiagnostic[] = [];
  const nodes: INode[] = [];
  const pipelineOf = new Map<string, string>();
  const index = new Map<string, Map<string, INode>>();
  /** Sub-pipeline id → the supernode (and its pipeline) that embeds it. */
  const parents = new Map<string, { pipeline: IPipeline; supernode: INode }>();

  const nodesOf = (pipeline: IPipeline): Map<string, INode> => {
    let map = index.get(pipeline.id);
    if (!map) {
      map = new Map(getNodes(pipeline).map(node => [node.id, node]));
      index.set(pipeline.id, map);
    }
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
  const visit = (pipeline: IPipeline, path: string[]) => {
    for (const node of getNodes(pipeline)) {
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
        visit(sub, [...path, sub.id]);
      } else if (node.type === 'execution_node') {
        nodes.push(node);
        pipelineOf.set(node.id, pipeline.id);
      }
    }
  };
  visit(primary, [primary.id]);

  // 2. Resolve each link to the execution nodes it really comes from.
  const resolveSource = (
    pipeline: IPipeline,
    nodeId: string,
    portRef: string | undefined,
    targetId: string,
    depth: number
  ): string[] => {
    if (depth > MAX_DEPTH) {
      return [];
    }
    const node = nodesOf(pipeline).get(nodeId);
    if (!node) {
      return [];
    }
    if (node.type === 'execution_node') {
      return [node.id];
    }
    if (node.type === 'super_node') {
      const sub = subflowOf(node);
      if (!sub || parents.get(sub.id)?.supernode !== node) {
        return [];
      }
      const out = ports(node.outputs).find(port => port.id === portRef) ?? (ports(node.outputs).length === 1 ? ports(node.outputs)[0] : undefined);
      const exitId = out && typeof out.subflow_node_ref === 'string' ? out.subflow_node_ref : undefined;
      const exit = exitId ? nodesOf(sub).get(exitId) : undefined;
      if (exit) {
        const inputs = ports(exit.inputs);
        const matching = inputs.filter(port => portRef && typeof port.id === 'string' && port.id.includes(portRef));
        return (matching.length ? matching : inputs).flatMap(port =>
          links(port).flatMap(link => resolveSource(sub, link.node_id_ref, link.port_id_ref, targetId, depth + 1))
        );
      }
      if (portRef && portRef.endsWith('_outPort')) {
        return resolveSource(sub, portRef.slice(0, -'_outPort'.length), 'outPort', targetId, depth + 1);
      }
      return [];
    }
    if (isEntryBinding(node)) {
      const parent = parents.get(pipeline.id);
      if (!parent) {
        return [];
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
      return feeding.flatMap(port =>
        links(port).flatMap(link => resolveSource(parent.pipeline, link.node_id_ref, link.port_id_ref, targetId, depth + 1))
      );
    }
    return [];
  };

  const edges: IFlatEdge[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    const pipeline = getPipeline(doc, pipelineOf.get(node.id))!;
    for (const port of ports(node.inputs)) {
      for (const link of links(port)) {
        for (const source of resolveSource(pipeline, link.node_id_ref, link.port_id_ref, node.id, 0)) {
          const key = `${source}\u0000${node.id}`;
          if (!seen.has(key)) {
            seen.add(key);
            edges.push({ source, target: node.id });
          }
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
 * node, or a node linked to itself). Iterative Tarjan: safe on 5000-node chains.
 */
export function findCycles(nodeIds: string[], edges: IFlatEdge[]): string[][] {
  const successors = new Map<string, string[]>(nodeIds.map(id => [id, []]));
  const selfLoops = new Set<string>();
  for (const edge of edges) {
    successors.get(edge.source)?.push(edge.target);
    if (edge.source === edge.target) {
      selfLoops.add(edge.source);
    }
  }
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const start of nodeIds) {
    if (indexOf.has(start)) {
      continue;
    }
    const work: { id: string; next: number }[] = [{ id: start, next: 0 }];
    indexOf.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const succ = successors.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const next = succ[frame.next++];
        if (!successors.has(next)) {
          continue;
        }
        if (!indexOf.has(next)) {
          indexOf.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push({ id: next, next: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, indexOf.get(next)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === indexOf.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1 || selfLoops.has(frame.id)) {
          cycles.push(component.reverse());
        }
      }
    }
  }
  return cycles;
}

/**
 * Node ids in dependency order (Kahn), ties broken by `compare` (default: id order) so
 * the result is stable. Nodes in cycles are left out.
 */
export function topologicalOrder(
  nodeIds: string[],
  edges: IFlatEdge[],
  compare: (a: string, b: string) => number = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
): string[] {
  const known = new Set(nodeIds);
  const indegree = new Map<string, number>(nodeIds.map(id => [id, 0]));
  const successors = new Map<string, string[]>();
  for (const { source, target } of edges) {
    if (!known.has(source) || !known.has(target)) {
      continue;
    }
    indegree.set(target, indegree.get(target)! + 1);
    const list = successors.get(source);
    if (list) {
      list.push(target);
    } else {
      successors.set(source, [target]);
    }
  }
  // A binary min-heap: a sorted array's shift/splice cost O(ready) each, which made wide
  // DAGs (thousands of ready nodes) quadratic.
  const ready: string[] = [];
  const push = (id: string) => {
    let i = ready.push(id) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(ready[parent], id) <= 0) {
        break;
      }
      ready[i] = ready[parent];
      i = parent;
    }
    ready[i] = id;
  };
  const pop = (): string => {
    const top = ready[0];
    const last = ready.pop()!;
    if (ready.length) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= ready.length) {
          break;
        }
        const child = left + 1 < ready.length && compare(ready[left + 1], ready[left]) < 0 ? left + 1 : left;
        if (compare(last, ready[child]) <= 0) {
          break;
        }
        ready[i] = ready[child];
        i = child;
      }
      ready[i] = last;
    }
    return top;
  };
  for (const id of nodeIds) {
    if (indegree.get(id) === 0) {
      push(id);
    }
  }
  const order: string[] = [];
  while (ready.length) {
    const id = pop();
    order.push(id);
    for (const next of successors.get(id) ?? []) {
      const remaining = indegree.get(next)! - 1;
      indegree.set(next, remaining);
      if (remaining === 0) {
        push(next);
      }
    }
  }
  return order;
}
