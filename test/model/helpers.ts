import * as fs from 'fs';
import * as path from 'path';

export const FIXTURES_ROOT = path.resolve(__dirname, '../../../shared/fixtures');

/** Every `.pipeline` under the shared fixtures, found at test time. */
export function findPipelineFixtures(root: string = FIXTURES_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.pipeline')) {
        found.push(full);
      }
    }
  };
  if (fs.existsSync(root)) {
    walk(root);
  }
  return found.sort();
}

export function readFixture(relative: string): string {
  return fs.readFileSync(path.join(FIXTURES_ROOT, relative), 'utf8');
}

export const VALIDATION_DIR = 'elyra/elyra/tests/pipeline/resources/validation_pipelines';
export const CLI_DIR = 'elyra/elyra/tests/cli/resources/pipelines';

/** Deterministic pseudo-random numbers (mulberry32) so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Node ids in dependency order, always the smallest ready id next, nodes in cycles left
 * out: the plain O(n²) reference for the compiler's order (src/compiler/order.ts).
 */
export function plainTopologicalOrder(ids: readonly string[], edges: readonly { source: string; target: string }[]): string[] {
  const indegree = new Map(ids.map(id => [id, 0]));
  const inner = edges.filter(e => indegree.has(e.source) && indegree.has(e.target));
  inner.forEach(e => indegree.set(e.target, indegree.get(e.target)! + 1));
  const order: string[] = [];
  for (;;) {
    const next = [...indegree].filter(([, count]) => count === 0).map(([id]) => id).sort()[0];
    if (next === undefined) {
      return order;
    }
    order.push(next);
    indegree.set(next, -1);
    inner.filter(e => e.source === next).forEach(e => indegree.set(e.target, indegree.get(e.target)! - 1));
  }
}
