/**
 * `tekton:run-local` ("Run"): compile the current pipeline for a local run; compile errors
 * are shown (the editor already marks the nodes) and nothing is submitted; otherwise the
 * server starts the run and the runs model follows it onto the canvas.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { runIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import { problemText } from '../editor/messages';
import type { IDiagnostic } from '../model/types';
import type { IPipelineTracker } from '../tokens';
import { messageOf, RunsModel } from './model';

export const RUN_LOCAL_COMMAND = 'tekton:run-local';

export function addRunLocalCommand(
  app: JupyterFrontEnd,
  tracker: IPipelineTracker,
  model: RunsModel,
  trans: TranslationBundle,
  showPanel: () => void
): void {
  const current = () => {
    const widget = tracker.currentWidget;
    return widget && widget === app.shell.currentWidget ? widget : tracker.currentWidget;
  };
  app.commands.addCommand(RUN_LOCAL_COMMAND, {
    label: trans.__('Run'),
    caption: trans.__('Run the pipeline locally on this Jupyter server'),
    icon: runIcon,
    isEnabled: () => !!current()?.content.model.document,
    execute: async () => {
      const editor = current()?.content.model;
      const doc = editor?.document;
      if (!editor || !doc) {
        return;
      }
      const { compile } = await import('../compiler');
      const result = compile(doc, { forLocalRun: true, pipelinePath: editor.path });
      const errors = result.diagnostics.filter(d => d.severity === 'error');
      if (errors.length || !result.ir) {
        await showProblems(trans.__('The pipeline cannot run'), errors, trans);
        return;
      }
      try {
        const run = await model.startLocal({ ir: result.ir, uploads: result.uploads, pipeline_path: editor.path });
        Notification.success(trans.__('Started local run %1', run.id), {
          autoClose: 5000,
          actions: [{ label: trans.__('Show runs'), callback: showPanel }]
        });
        return run.id;
      } catch (reason) {
        Notification.error(trans.__('Could not start the run: %1', messageOf(reason)), { autoClose: false });
      }
    }
  });
}

function showProblems(title: string, diagnostics: IDiagnostic[], trans: TranslationBundle): Promise<unknown> {
  const list = document.createElement('ul');
  list.className = 'jp-tekton-RunsPanel-compileErrors';
  list.dataset.testid = 'run-compile-errors';
  for (const d of diagnostics) {
    const item = document.createElement('li');
    item.textContent = problemText(d);
    list.appendChild(item);
  }
  return showDialog({ title, body: new Widget({ node: list }), buttons: [Dialog.okButton({ label: trans.__('Close') })] });
}
