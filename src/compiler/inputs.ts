/**
 * Which upstream outputs reach a node. As in Elyra, a node receives the declared outputs
 * of all its ancestors. Listing every ancestor in every task would grow quadratically in a
 * long chain (YAML size, compile time), so the pods pass the list on instead: each task's
 * save step uploads `<task>/outputs-from.txt` (the tasks whose outputs it received, then
 * itself when it declares outputs), and a fetch step reads only its direct parents' lists
 * (`IRNode.inputParents`, TEKTON_INPUTS_FROM), merges them keeping each task's first
 * occurrence, and copies those tasks' outputs in that order (a later task's file wins).
 *
 * Keeping the first occurrence puts every task after its own ancestors (each list that
 * names a task also names, earlier, all its ancestors that pass outputs on), so a node
 * always sees a descendant's file over its ancestor's.
 *
 * `IRNode.inputsFrom` is that merged list, for the local runner (which copies outputs
 * itself). It is computed on first read, for all nodes at once: a compile for Tekton
 * never needs it.
 */
import type { IRNode } from './types';

/** The nodes of one IR, in topological order, until their `inputsFrom` lists are computed. */
class PendingLists {
  constructor(private readonly nodes: IRNode[]) {}

  /** Gives every node of the IR its list as a plain, writable, enumerable value. */
  computeAll(): void {
    const lists = mergedInputs(this.nodes);
    for (let i = 0; i < this.nodes.length; i++) {
      Object.defineProperty(this.nodes[i], 'inputsFrom', { value: lists[i], writable: true, enumerable: true, configurable: true });
    }
  }
}

/**
 * Makes objects carry a hidden link to their PendingLists. A base class constructor that
 * returns an existing object makes `new` add the subclass's private field to that object:
 * a private field is an ordinary property slot for V8 (no hash table entry per node, as a
 * WeakMap needs: 5000 nodes ~0.37 -> ~0.2 µs each with the accessor) and invisible to
 * Object.keys, JSON, spread and jest's equality. (Compiled for ES2020, as the lab
 * extension is, TypeScript emulates private fields with a WeakMap: the same behaviour.)
 */
class Adopt {
  constructor(target: object) {
    return target;
  }
}

class PendingLink extends Adopt {
  readonly #pending: PendingLists;

  constructor(node: object, pending: PendingLists) {
    super(node);
    this.#pending = pending;
  }

  /** The node's PendingLists (undefined for other objects). */
  static of(node: object): PendingLists | undefined {
    return #pending in node ? (node as PendingLink).#pending : undefined;
  }
}

/**
 * One accessor shared by all nodes (V8 keeps one object shape for them): on first read of
 * any node's `inputsFrom`, every node of its pipeline gets its list as a plain value
 * (which replaces the accessor, so the link is not followed again).
 */
const INPUTS_FROM: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: IRNode): string[] {
    PendingLink.of(this)?.computeAll();
    return this.inputsFrom;
  },
  set(this: IRNode, value: string[]) {
    PendingLink.of(this)?.computeAll();
    this.inputsFrom = value;
  }
};

/** The nodes (in topological order) with `inputsFrom`, computed on first read; enumerable. */
export function withInputsFrom(nodes: Omit<IRNode, 'inputsFrom'>[]): IRNode[] {
  const result = nodes as IRNode[];
  const pending = new PendingLists(result);
  for (let i = 0; i < result.length; i++) {
    new PendingLink(result[i], pending);
    Object.defineProperty(result[i], 'inputsFrom', INPUTS_FROM);
  }
  return result;
}

/**
 * Per node, the tasks whose outputs its fetch step copies, in copy order: what the fetch
 * steps compute from the parents' `outputs-from.txt` (fetch.sh), computed the same way.
 */
export function mergedInputs(nodes: Pick<IRNode, 'taskName' | 'outputs' | 'inputParents'>[]): string[][] {
  /** Per task name: its `outputs-from.txt`. */
  const passedOn = new Map<string, string[]>();
  return nodes.map(node => {
    const seen = new Set<string>();
    const list: string[] = [];
    for (const parent of node.inputParents) {
      for (const task of passedOn.get(parent) ?? []) {
        if (!seen.has(task)) {
          seen.add(task);
          list.push(task);
        }
      }
    }
    passedOn.set(node.taskName, node.outputs.length ? [...list, node.taskName] : list);
    return list;
  });
}
