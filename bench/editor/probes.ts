/**
 * Code that runs inside the page (handed to Playwright's `evaluate`/`addInitScript`, which
 * serialise the function text): each function must be self-contained, no imports, no
 * references to anything outside its own body.
 */

export interface IRenderedArgs {
  /** CSS selector of the element containing the React Flow canvas. */
  root: string;
  nodes: number;
  edges: number;
  timeoutMs: number;
}

export interface IRenderedResult {
  /** `performance.now()` of the first animation frame in which everything was rendered. */
  at: number;
  nodes: number;
  edges: number;
}

/**
 * Resolves at the first animation frame in which the canvas holds `nodes` measured
 * (visible) nodes and `edges` edges. React Flow keeps a node `visibility: hidden` until it
 * has measured it, and draws an edge only once both of its nodes are measured.
 */
export function whenRendered(args: IRenderedArgs): Promise<IRenderedResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let last = { nodes: 0, edges: 0 };
    const tick = (): void => {
      const root = document.querySelector(args.root);
      if (root) {
        const nodes = root.querySelectorAll<HTMLElement>('.react-flow__node');
        const edges = root.querySelectorAll('.react-flow__edge');
        let visible = 0;
        nodes.forEach(n => {
          if (n.style.visibility !== 'hidden') {
            visible++;
          }
        });
        last = { nodes: visible, edges: edges.length };
        if (visible >= args.nodes && edges.length >= args.edges) {
          resolve({ at: performance.now(), ...last });
          return;
        }
      }
      if (performance.now() - start > args.timeoutMs) {
        reject(
          new Error(
            `not rendered after ${args.timeoutMs} ms: ${last.nodes}/${args.nodes} nodes, ` +
              `${last.edges}/${args.edges} edges in ${args.root}`
          )
        );
        return;
      }
      requestAnimationFrame(tick);
    };
    tick();
  });
}

/** Starts recording animation-frame timestamps into `window.__benchFrames`. */
export function startFrameRecorder(): void {
  const w = window as any;
  w.__benchFrames = [];
  w.__benchRecording = true;
  const loop = (t: number): void => {
    if (!w.__benchRecording) {
      return;
    }
    w.__benchFrames.push(t);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

/** Stops the recorder; returns the frame durations (ms between consecutive frames). */
export function stopFrameRecorder(): number[] {
  const w = window as any;
  w.__benchRecording = false;
  const t: number[] = w.__benchFrames ?? [];
  const deltas: number[] = [];
  for (let i = 1; i < t.length; i++) {
    deltas.push(t[i] - t[i - 1]);
  }
  return deltas;
}

export interface IDragTarget {
  id: string;
  x: number;
  y: number;
  transform: string;
  /** The React Flow pane, in page coordinates (React Flow auto-pans within 40 px of its edges). */
  pane: { left: number; top: number; right: number; bottom: number };
}

/**
 * The measured node nearest to the point `aim` (offset from the centre of the canvas under
 * `root`), wholly inside the pane, in page coordinates.
 */
export function pickDragTarget(args: { root: string; aim: { dx: number; dy: number } }): IDragTarget | null {
  const container = document.querySelector(args.root);
  const pane = container?.querySelector('.react-flow') ?? null;
  if (!container || !pane) {
    return null;
  }
  const box = pane.getBoundingClientRect();
  const cx = box.left + box.width / 2 + args.aim.dx;
  const cy = box.top + box.height / 2 + args.aim.dy;
  let best: IDragTarget | null = null;
  let bestDistance = Infinity;
  container.querySelectorAll<HTMLElement>('.react-flow__node').forEach(node => {
    const r = node.getBoundingClientRect();
    // Grab the node a third from its left edge: clear of the ports and the badges.
    const x = r.left + r.width / 3;
    const y = r.top + r.height / 2;
    const inside = r.left > box.left && r.right < box.right && r.top > box.top && r.bottom < box.bottom;
    const distance = Math.hypot(x - cx, y - cy);
    if (inside && distance < bestDistance && node.style.visibility !== 'hidden') {
      bestDistance = distance;
      best = {
        id: node.dataset.id ?? '',
        x,
        y,
        transform: node.style.transform,
        pane: { left: box.left, top: box.top, right: box.right, bottom: box.bottom }
      };
    }
  });
  return best;
}

/** The CSS transform (position) of the node with React Flow id `id`. */
export function nodeTransform(args: { root: string; id: string }): string {
  const node = document
    .querySelector(args.root)
    ?.querySelector<HTMLElement>(`.react-flow__node[data-id="${args.id}"]`);
  return node?.style.transform ?? '';
}

/** The CSS transform of the React Flow viewport (pan and zoom) under `root`. */
export function viewportTransform(root: string): string {
  const viewport = document.querySelector(root)?.querySelector<HTMLElement>('.react-flow__viewport');
  return viewport?.style.transform ?? '';
}
