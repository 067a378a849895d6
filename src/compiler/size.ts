/**
 * Object size limit. etcd refuses requests over 1.5 MiB, and Tekton writes a
 * PipelineRun's status (task references, and a copy of the resolved pipelineSpec) into
 * the same object, so an object that is already over 1 MiB when created is refused or
 * breaks at the first status update. Better a compile error than YAML that Kubernetes
 * rejects.
 */
import { utf8Length } from './model';
import type { IDiagnostic } from './model';
import type { IRPipeline } from './types';

/** Default largest object (JSON, as the API server stores it) we emit. */
export const MAX_OBJECT_BYTES = 1024 * 1024;

/** etcd's default request limit (--max-request-bytes): every status update must fit. */
export const ETCD_REQUEST_BYTES = 1.5 * 1024 * 1024;

/**
 * What Tekton adds per task to an embedded PipelineRun once it runs, beyond a second copy
 * of the whole pipelineSpec (`status.pipelineSpec`): Go zero values in both copies
 * (`metadata: {}`, `spec: null`, `computeResources: {}` on the step template and every
 * step), the step template's image on each step of the copy, and a `childReferences`
 * entry per TaskRun. Measured on the test cluster (Tekton v1.15, scripts/testcluster): a
 * 300-task run of 207,649 bytes grew to 512,332 bytes with 114 of 300 TaskRuns (≈ 2 ×
 * 207,649 + 261 per task + 143 per TaskRun); an 800-task run of 546,238 bytes reached
 * 1,428,097 bytes with 797 TaskRuns (estimate without slack 1,428,476) and ran; 900 tasks
 * (614,889 bytes, estimate 1.63 MB) and 1000 tasks (682,843 and 787,547 bytes) failed
 * their status updates with "etcdserver: request is too large".
 */
export const TEKTON_BYTES_PER_TASK = 420;

/** Room for the status' conditions, timestamps, provenance and managed fields. */
const STATUS_SLACK_BYTES = 16 * 1024;

/** Largest size an embedded PipelineRun of `bytes` (JSON) and `tasks` tasks reaches while it runs. */
export function embeddedRunPeakBytes(bytes: number, tasks: number): number {
  return 2 * bytes + TEKTON_BYTES_PER_TASK * tasks + STATUS_SLACK_BYTES;
}

/** The warning for an embedded PipelineRun that would outgrow etcd's limit while it runs. */
export const STATUS_TOO_LARGE = 'status-too-large';
/** The note of a compile that chose separate objects because of STATUS_TOO_LARGE. */
export const SEPARATE_OBJECTS_CHOSEN = 'separate-objects';

/** Says that `embeddedRun`, too large to run, was replaced by separate Task and Pipeline objects. */
export function separateObjectsChosen(embeddedRun: Record<string, unknown>): IDiagnostic {
  const bytes = utf8Length(JSON.stringify(embeddedRun));
  const peak = embeddedRunPeakBytes(bytes, Private.embeddedTasks(embeddedRun) ?? 0);
  return {
    severity: 'warning',
    code: SEPARATE_OBJECTS_CHOSEN,
    message:
      `Submitted as separate Task and Pipeline objects: ${Private.statusTooLarge(bytes, peak)} The Tasks and the ` +
      'Pipeline are created or replaced in the namespace under their own names.'
  };
}

/** One 'too-large' error per object over `limit` bytes (0: no limit); none when all fit. */
export function checkObjectSizes(documents: Record<string, unknown>[], ir: IRPipeline, limit: number): IDiagnostic[] {
  const diagnostics: IDiagnostic[] = [];
  if (limit <= 0) {
    return diagnostics;
  }
  for (const document of documents) {
    const json = JSON.stringify(document);
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: count only when the length cannot tell, and once.
    let counted = -1;
    const utf8 = () => (counted < 0 ? (counted = utf8Length(json)) : counted);
    const tasks = Private.embeddedTasks(document);
    if (tasks !== null && embeddedRunPeakBytes(json.length, tasks) > ETCD_REQUEST_BYTES) {
      const bytes = utf8();
      const peak = embeddedRunPeakBytes(bytes, tasks);
      if (peak > ETCD_REQUEST_BYTES && bytes <= limit) {
        diagnostics.push({
          severity: 'warning',
          code: STATUS_TOO_LARGE,
          message: Private.statusTooLarge(bytes, peak) + ' Compile with separate objects (--separate) for a pipeline this large.'
        });
      }
    }
    if (json.length * 3 <= limit || (json.length <= limit && utf8() <= limit)) {
      continue;
    }
    const bytes = utf8();
    const metadata = (document.metadata ?? {}) as Record<string, unknown>;
    const name = String(metadata.name ?? metadata.generateName ?? '');
    diagnostics.push({
      severity: 'error',
      code: 'too-large',
      message:
        `The ${String(document.kind)} "${name}" would be ${Private.size(bytes)} (${bytes} bytes as JSON); ` +
        `the limit is ${Private.size(limit)} (${limit} bytes; etcd refuses objects over 1.5 MiB and Tekton adds status to them). ` +
        Private.advice(ir, document.kind === 'PipelineRun')
    });
  }
  return diagnostics;
}

namespace Private {
  /** The number of tasks of an embedded PipelineRun, or null for any other object. */
  export function embeddedTasks(document: Record<string, unknown>): number | null {
    const spec = document.spec as Record<string, unknown> | undefined;
    const pipelineSpec = document.kind === 'PipelineRun' && spec ? (spec.pipelineSpec as Record<string, unknown> | undefined) : undefined;
    const tasks = pipelineSpec?.tasks;
    return Array.isArray(tasks) ? tasks.length : null;
  }

  export function statusTooLarge(bytes: number, peak: number): string {
    return (
      `The PipelineRun would be ${size(bytes)} (${bytes} bytes as JSON). Tekton copies its ` +
      `pipelineSpec into the status and adds about ${TEKTON_BYTES_PER_TASK} bytes per task, so while it runs it would reach ` +
      `about ${size(peak)}, over etcd's 1.5 MiB limit: its status updates would fail and the run would not proceed.`
    );
  }

  export function size(bytes: number): string {
    return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
  }

  /** What to do about it. (Each task's share is about the same: nothing grows with ancestors.) */
  export function advice(ir: IRPipeline, embedded: boolean): string {
    if (!embedded) {
      return 'Split the pipeline into smaller ones.';
    }
    return `Compiling with separate objects (--separate) puts each of the ${ir.nodes.length} tasks in its own Task object.`;
  }
}
