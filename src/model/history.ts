/**
 * Undo/redo over immutable documents. Because documents are never mutated, a history
 * entry is just a reference: cheap, and unchanged parts are shared between entries.
 */

export interface IHistoryOptions {
  /** Most undo steps kept; older ones are dropped. Default 100. */
  maxDepth?: number;
  /** Pushes with the same coalesce key within this many ms merge into one step. Default 1000. */
  coalesceMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface IPushOptions {
  /**
   * Consecutive pushes with the same key (e.g. `property:<nodeId>:<key>` while typing)
   * become one undo step, as long as they come within `coalesceMs` of each other.
   */
  coalesceKey?: string;
}

export class History<T> {
  private readonly past: T[] = [];
  private future: T[] = [];
  private current: T | undefined;
  private lastKey: string | undefined;
  private lastTime = -Infinity;
  private readonly maxDepth: number;
  private readonly coalesceMs: number;
  private readonly now: () => number;

  constructor(initial?: T, options: IHistoryOptions = {}) {
    this.current = initial;
    this.maxDepth = Math.max(1, options.maxDepth ?? 100);
    this.coalesceMs = options.coalesceMs ?? 1000;
    this.now = options.now ?? (() => Date.now());
  }

  /** The document after the last push/undo/redo (undefined before the first push). */
  get present(): T | undefined {
    return this.current;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Records a new state. Pushing the present state again does nothing. */
  push(state: T, options: IPushOptions = {}): void {
    if (state === this.current) {
      return;
    }
    const time = this.now();
    const key = options.coalesceKey;
    const coalesce =
      key !== undefined && key === this.lastKey && time - this.lastTime <= this.coalesceMs && this.past.length > 0 && this.future.length === 0;
    if (this.current !== undefined && !coalesce) {
      this.past.push(this.current);
      if (this.past.length > this.maxDepth) {
        this.past.splice(0, this.past.length - this.maxDepth);
      }
    }
    this.current = state;
    this.future = [];
    this.lastKey = key;
    this.lastTime = time;
  }

  /** Steps back; returns the new present, or null when there is nothing to undo. */
  undo(): T | null {
    if (!this.past.length) {
      return null;
    }
    this.future.push(this.current as T);
    this.current = this.past.pop() as T;
    this.lastKey = undefined;
    return this.current;
  }

  /** Steps forward again; returns the new present, or null when there is nothing to redo. */
  redo(): T | null {
    if (!this.future.length) {
      return null;
    }
    this.past.push(this.current as T);
    this.current = this.future.pop() as T;
    this.lastKey = undefined;
    return this.current;
  }

  /** Forgets all steps (e.g. after the file was reloaded from disk). */
  reset(state?: T): void {
    this.past.length = 0;
    this.future = [];
    this.current = state;
    this.lastKey = undefined;
  }

  /** Ends coalescing, so that the next push starts a new undo step. */
  breakCoalescing(): void {
    this.lastKey = undefined;
  }
}
