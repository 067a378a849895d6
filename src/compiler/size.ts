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

/**
 * Largest embedded PipelineRun that still runs: Tekton copies the whole pipelineSpec into
 * `status.pipelineSpec`, so the stored object is about twice the spec. Measured on the
 * test cluster (etcd's default 1.5 MiB request limit): a 787,559-byte PipelineRun was
 * created, then every status update failed with "etcdserver: request is too large" and
 * the run never started; the same pipeline as separate objects ran.
 */
export const EMBEDDED_RUN_SAFE_BYTES = 700 * 1024;

/** One 'too-large' error per object over `limit` bytes (0: no limit); none when all fit. */
export function checkObjectSizes(documents: Record<string, unknown>[], ir: IRPipeline, limit: number): IDiagnostic[] {
  const diagnostics: IDiagnostic[] = [];
  if (limit <= 0) {
    return diagnostics;
  }
  for (const document of documents) {
    const json = JSON.stringify(document);
    if (Private.isEmbeddedRun(document) && json.length > EMBEDDED_RUN_SAFE_BYTES / 3) {
      const bytes = utf8Length(json);
      if (bytes > EMBEDDED_RUN_SAFE_BYTES && bytes <= limit) {
        diagnostics.push({
          severity: 'warning',
          code: 'status-too-large',
          message:
            `The PipelineRun would be ${Private.size(bytes)} (${bytes} bytes as JSON). Tekton copies its ` +
            `pipelineSpec into the status, and over about ${Private.size(EMBEDDED_RUN_SAFE_BYTES)} that ` +
            'update exceeds etcd\'s 1.5 MiB limit, so the run would never start. ' +
            'Compile with separate objects (--separate) for a pipeline this large.'
        });
      }
    }
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: count only when the length cannot tell.
    if (json.length * 3 <= limit || (json.length <= limit && utf8Length(json) <= limit)) {
      continue;
    }
    const bytes = utf8Length(json);
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
  export function isEmbeddedRun(document: Record<string, unknown>): boolean {
    const spec = document.spec as Record<string, unknown> | undefined;
    return document.kind === 'PipelineRun' && !!spec && 'pipelineSpec' in spec;
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
