/**
 * The compiler: `.pipeline` document → IR → Tekton v1 objects → YAML, in one call.
 * Pure and deterministic: the same document and options give byte-identical YAML.
 * Imports nothing from JupyterLab, React or the DOM (the CLI and the editor share it).
 */
import { hasErrors } from './diagnostics';
import { buildIR } from './ir';
import { IDiagnostic, IPipelineFlowDocument, IValidationReuse, validatePipeline } from './model';
import { resolveOptions } from './options';
import { checkObjectSizes, separateObjectsChosen, STATUS_TOO_LARGE } from './size';
import { buildTektonObjects, toTektonYaml } from './tekton';
import { buildUploads } from './uploads';
import type { ICompileOptions, ICompileResult } from './types';

export * from './types';
export { DEFAULT_GPU_RESOURCE, DEFAULT_PIPELINE_TIMEOUT, DEFAULT_STORAGE, DEFAULT_TRANSFER_IMAGE } from './options';
export { MANAGED_BY_LABEL, MANAGED_BY_VALUE, PIPELINE_LABEL, toTektonYaml } from './tekton';
export { embeddedRunPeakBytes, ETCD_REQUEST_BYTES, MAX_OBJECT_BYTES, SEPARATE_OBJECTS_CHOSEN, STATUS_TOO_LARGE } from './size';
export { RUNNER_KEY, SOURCES_PREFIX } from './steps';
export { toMultiDocumentYaml, toYaml } from './yaml';

/**
 * Compiles a (parsed, migrated) pipeline document. Model validation errors and
 * compile errors block the output: `pipelineRun` and `ir` are null, `yaml` is empty and
 * `diagnostics` says why, naming nodes and properties. Never throws for bad input.
 */
export function compile(document: IPipelineFlowDocument, options: ICompileOptions = {}): ICompileResult {
  const diagnostics: IDiagnostic[] = [];
  try {
    const resolved = resolveOptions(options);
    const local = options.forLocalRun === true;
    const reuse: IValidationReuse = {};
    const validation = validatePipeline(document, { requireRuntimeImage: !local && !resolved.defaultRuntimeImage, reuse });
    // A local run uses no object storage: its defaults are no news there.
    diagnostics.push(...validation, ...resolved.diagnostics.filter(d => !(local && d.code === 'storage-defaults')));
    const { ir, diagnostics: irDiagnostics } = buildIR(document, resolved, options.parameters, reuse);
    // The IR builder's cycle guard repeats what validation already located on the nodes.
    const cycleReported = validation.some(d => d.code === 'cycle');
    diagnostics.push(...irDiagnostics.filter(d => !(cycleReported && d.code === 'cycle')));
    const unique = Private.dedupe(diagnostics);
    if (hasErrors(unique)) {
      return Private.blocked(unique);
    }
    if (local) {
      return { pipelineRun: null, documents: [], yaml: '', uploads: buildUploads(ir), ir, diagnostics: unique };
    }
    let documents = buildTektonObjects(ir, resolved.tekton);
    let sizeDiagnostics = checkObjectSizes(documents, ir, resolved.maxObjectBytes);
    if (options.separateWhenTooLarge === true && sizeDiagnostics.some(d => d.code === STATUS_TOO_LARGE)) {
      const chosen = separateObjectsChosen(documents[documents.length - 1]);
      documents = buildTektonObjects(ir, { ...resolved.tekton, separateObjects: true });
      sizeDiagnostics = [...checkObjectSizes(documents, ir, resolved.maxObjectBytes), chosen];
    }
    if (sizeDiagnostics.some(d => d.severity === 'error')) {
      return Private.blocked([...unique, ...sizeDiagnostics]);
    }
    return {
      pipelineRun: documents[documents.length - 1],
      documents,
      yaml: toTektonYaml(documents),
      uploads: buildUploads(ir),
      ir,
      diagnostics: [...unique, ...sizeDiagnostics]
    };
  } catch (error) {
    // Not expected: a compiler bug must still not take the editor down.
    diagnostics.push({
      severity: 'error',
      code: 'internal-error',
      message: `The pipeline could not be compiled (internal error): ${error instanceof Error ? error.message : String(error)}`
    });
    return Private.blocked(Private.dedupe(diagnostics));
  }
}

namespace Private {
  export function blocked(diagnostics: IDiagnostic[]): ICompileResult {
    return { pipelineRun: null, documents: [], yaml: '', uploads: [], ir: null, diagnostics };
  }

  /** Drops exact repeats (same severity, code, message, node and property). */
  export function dedupe(diagnostics: IDiagnostic[]): IDiagnostic[] {
    const seen = new Set<string>();
    return diagnostics.filter(d => {
      const key = JSON.stringify([d.severity, d.code, d.message, d.nodeId ?? '', d.property ?? '']);
      if (seen.has(key)) {
        return false;
      }
      seen.add(key);
      return true;
    });
  }
}
