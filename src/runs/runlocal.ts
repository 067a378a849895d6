/**
 * `tekton:run-local` ("Run"): compile the current pipeline for a local run; compile errors
 * are shown (the editor already marks the nodes) and nothing is submitted; otherwise the
 * server starts the run and the runs model follows it onto the canvas.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { runIcon } from '@jupyterlab/ui-components';
import type { IPipelineTracker } from '../tokens';
import { compileForAction } from '../widget/compileForAction';
import { focusedPipeline } from '../widget/focused';
import { messageOf, RunsModel } from './model';

export const RUN_LOCAL_COMMAND = 'tekton:run-local';

export function addRunLocalCommand(
  app: JupyterFrontEnd,
  tracker: IPipelineTracker,
  model: RunsModel,
  trans: TranslationBundle,
  showPanel: () => void
): void {
  // Run is also pressed in the runs panel: then the last focused pipeline is meant.
  const current = () => focusedPipeline(app.shell, tracker) ?? tracker.currentWidget;
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
      const result = await compileForAction(
        doc,
        { forLocalRun: true, pipelinePath: editor.path },
        compiled => !!compiled.ir,
        {
          title: trans.__('The pipeline cannot run'),
          className: 'jp-tekton-RunsPanel-compileErrors',
          testId: 'run-compile-errors',
          // The editor already marks the failing nodes.
          showPlace: false
        },
        trans
      );
      if (!result?.ir) {
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
