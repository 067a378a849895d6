/**
 * What Export YAML, Run and Submit share: compile the pipeline and, when errors block the
 * action, list them in a dialog instead of going on.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { ICompileOptions, ICompileResult } from '../compiler/types';
import { problemText } from '../editor/messages';
import type { IDiagnostic, IPipelineFlowDocument } from '../model/types';

/** How one action's error dialog looks (class and test id are what its CSS and UI tests use). */
export interface IProblemsDialog {
  title: string;
  className: string;
  testId?: string;
  /** Prefix each error with its node and property (default true). */
  showPlace?: boolean;
}

/**
 * The compile result when it has no errors and `usable` accepts it; otherwise the errors
 * are shown and the answer is null.
 */
export async function compileForAction(
  document: IPipelineFlowDocument,
  options: ICompileOptions,
  usable: (result: ICompileResult) => boolean,
  dialog: IProblemsDialog,
  trans: TranslationBundle
): Promise<ICompileResult | null> {
  // The compiler is only loaded when needed.
  const { compile } = await import('../compiler');
  const result = compile(document, options);
  const errors = result.diagnostics.filter(d => d.severity === 'error');
  if (errors.length || !usable(result)) {
    await showCompileProblems(errors, dialog, trans);
    return null;
  }
  return result;
}

export function showCompileProblems(
  diagnostics: IDiagnostic[],
  dialog: IProblemsDialog,
  trans: TranslationBundle
): Promise<unknown> {
  const list = document.createElement('ul');
  list.className = dialog.className;
  if (dialog.testId) {
    list.dataset.testid = dialog.testId;
  }
  for (const d of diagnostics) {
    const item = document.createElement('li');
    const where =
      dialog.showPlace !== false && d.nodeId ? `${d.nodeLabel || d.nodeId}${d.property ? ` · ${d.property}` : ''}: ` : '';
    item.textContent = `${where}${problemText(d)}`;
    list.appendChild(item);
  }
  return showDialog({
    title: dialog.title,
    body: new Widget({ node: list }),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}
