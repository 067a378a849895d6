/**
 * Server run/node states → what the canvas shows. The canvas knows six states; the server
 * has two more that we fold in with a message so the user still sees why.
 */
import type { Tekton as Wire } from '../services';
import type { Tekton } from '../tokens';

const FOLDED: { [status: string]: { status: Tekton.NodeRunStatus; message: string } } = {
  interrupted: { status: 'cancelled', message: 'interrupted (the server stopped while it ran)' },
  timed_out: { status: 'failed', message: 'timed out' }
};

/** Per-node canvas states of a run, keyed by node id. */
export function toNodeRunStates(
  nodes: ReadonlyArray<Wire.IDescribeNode>
): Map<string, Tekton.INodeRunState> {
  const states = new Map<string, Tekton.INodeRunState>();
  for (const node of nodes) {
    const folded = FOLDED[node.status];
    const status = (folded?.status ?? node.status) as Tekton.NodeRunStatus;
    const message = [folded?.message, node.message].filter(Boolean).join(': ') || undefined;
    states.set(node.id, {
      status,
      startedAt: node.started ?? undefined,
      finishedAt: node.finished ?? undefined,
      ...(message ? { message } : {})
    });
  }
  return states;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'interrupted', 'timed_out']);

/** True when the run will not change any more. */
export function isFinished(status: string): boolean {
  return FINISHED.has(status);
}

/** "12s", "3m 4s", "1h 2m" from seconds; '' when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
    return '';
  }
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return `${s}s`;
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return `${m}m ${s % 60}s`;
  }
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Duration of a run: the server's value, or the time since it started while it runs. */
export function runDuration(
  run: { duration_seconds: number | null; started: string | null; status: string },
  now = Date.now()
): number | null {
  if (run.duration_seconds !== null && run.duration_seconds !== undefined) {
    return run.duration_seconds;
  }
  if (run.started && !isFinished(run.status)) {
    return (now - Date.parse(run.started)) / 1000;
  }
  return null;
}
