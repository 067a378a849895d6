/**
 * Compile diagnostics, worded like the model's: the message alone names the node (label
 * and id) or the option and the property, so the CLI can print it as is.
 */
import type { IDiagnostic } from './model';

export interface INodeRef {
  id: string;
  label: string;
  /** Set for nodes inside a supernode's pipeline (lets the editor find them). */
  pipelineId?: string;
}

export function nodeError(node: INodeRef, code: string, property: string | undefined, problem: string): IDiagnostic {
  const who = node.label ? `Node "${node.label}" (${node.id})` : `Node ${node.id}`;
  const what = property ? `${who}, property "${property}": ` : `${who}: `;
  const diagnostic: IDiagnostic = {
    severity: 'error',
    code,
    message: what + problem,
    nodeId: node.id,
    nodeLabel: node.label
  };
  if (property) {
    diagnostic.property = property;
  }
  if (node.pipelineId) {
    (diagnostic as IDiagnostic & { pipelineId?: string }).pipelineId = node.pipelineId;
  }
  return diagnostic;
}

export function pipelineError(code: string, property: string | undefined, problem: string): IDiagnostic {
  const what = property ? `Pipeline property "${property}": ` : '';
  return { severity: 'error', code, message: what + problem, ...(property ? { property } : {}) };
}

/** A problem with a compile option (`property` is `options.<name>`). */
export function optionProblem(
  severity: 'error' | 'warning',
  code: string,
  option: string,
  problem: string
): IDiagnostic {
  return { severity, code, message: `Option "${option}": ${problem}`, property: `options.${option}` };
}

export function hasErrors(diagnostics: IDiagnostic[]): boolean {
  return diagnostics.some(d => d.severity === 'error');
}
