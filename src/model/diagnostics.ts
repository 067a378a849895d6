/**
 * Building and combining diagnostics. Messages name the node (label and id) and the
 * property, so that a message alone, printed by the CLI, says where the problem is.
 */
import { getNodeLabel } from './access';
import type { IDiagnostic, INode, Severity } from './types';

/** No extra diagnostic fields (a node of the primary pipeline): one shared, frozen object. */
export const NO_EXTRA: Partial<IDiagnostic> = Object.freeze({});

export function nodeDiagnostic(
  node: INode,
  severity: Severity,
  code: string,
  property: string | undefined,
  problem: string,
  extra: Partial<IDiagnostic> = {}
): IDiagnostic {
  const label = getNodeLabel(node);
  const id = typeof node?.id === 'string' ? node.id : '?';
  const who = label ? `Node "${label}" (${id})` : `Node ${id}`;
  const what = property ? `${who}, property "${property}": ` : `${who}: `;
  return {
    severity,
    code,
    message: `${what}${problem}`,
    nodeId: typeof node?.id === 'string' ? node.id : undefined,
    nodeLabel: label,
    ...(property ? { property } : {}),
    ...extra
  };
}

export function pipelineDiagnostic(
  severity: Severity,
  code: string,
  property: string | undefined,
  problem: string,
  extra: Partial<IDiagnostic> = {}
): IDiagnostic {
  const what = property ? `Pipeline property "${property}": ` : '';
  return { severity, code, message: `${what}${problem}`, ...(property ? { property } : {}), ...extra };
}

/**
 * Concatenates diagnostic lists, dropping exact repeats (parsePipeline's document checks
 * are a subset of validatePipeline's, so callers that run both can merge safely).
 */
export function mergeDiagnostics(...lists: IDiagnostic[][]): IDiagnostic[] {
  const seen = new Set<string>();
  const out: IDiagnostic[] = [];
  for (const list of lists) {
    for (const diagnostic of list) {
      const key = `${diagnostic.severity}|${diagnostic.code}|${diagnostic.nodeId ?? ''}|${diagnostic.property ?? ''}|${diagnostic.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(diagnostic);
      }
    }
  }
  return out;
}

export function hasErrors(diagnostics: IDiagnostic[]): boolean {
  return diagnostics.some(diagnostic => diagnostic.severity === 'error');
}
