/**
 * "Submit to Tekton": compile the current pipeline in the browser with the picked runtime
 * configuration, POST it to the server, and say where the run can be watched.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { Tekton } from '../services';
import type { IPipelineTracker } from '../tokens';
import { showCompileProblems } from '../widget/compileForAction';
import { focusedPipeline } from '../widget/focused';
import { ConfigsCommandIDs, submitIcon } from './constants';
import type { RuntimeConfigsModel } from './model';

export function addSubmitCommand(
  app: JupyterFrontEnd,
  tracker: IPipelineTracker,
  model: RuntimeConfigsModel,
  trans: TranslationBundle
): void {
  const current = () => focusedPipeline(app.shell, tracker);
  app.commands.addCommand(ConfigsCommandIDs.submit, {
    label: trans.__('Submit to Tekton'),
    caption: trans.__('Compile the pipeline and run it on the Tekton cluster of the selected runtime configuration'),
    icon: submitIcon,
    isEnabled: () => !!current()?.content.model.document,
    execute: async () => {
      const widget = current();
      const editorModel = widget?.content.model;
      const doc = editorModel?.document;
      if (!widget || !editorModel || !doc) {
        return;
      }
      const path = editorModel.path;
      if (!model.loaded) {
        await model.refresh();
      }
      const config = await ensureConfig(app, model, path, trans);
      if (!config) {
        return;
      }
      const { prepareSubmission } = await import('./submission');
      const submission = prepareSubmission(doc, config, path);
      if (!submission.ok) {
        await showCompileProblems(
          submission.errors,
          {
            title: trans.__('The pipeline cannot be submitted'),
            className: 'jp-tekton-SubmitDialog-errors',
            testId: 'submit-errors'
          },
          trans
        );
        return;
      }
      const id = Notification.emit(trans.__('Submitting %1 to %2…', submission.request.ir.name, config.name), 'in-progress', {
        autoClose: false
      });
      let run: Tekton.IDescribeRun;
      try {
        run = await model.service.createTektonRun(submission.request);
      } catch (reason) {
        Notification.update({
          id,
          type: 'error',
          autoClose: false,
          message: trans.__('Submit to %1 failed: %2', config.name, (reason as Error)?.message ?? String(reason))
        });
        return;
      }
      Notification.update({
        id,
        type: 'success',
        autoClose: 10000,
        message: trans.__('Submitted %1 to namespace %2.', run.id, run.namespace ?? config.namespace),
        actions: runLinks(run.links, trans)
      });
    }
  });
}

/** Notification actions opening the run in the Tekton Dashboard / OpenShift console. */
export function runLinks(links: Tekton.IRunLinks | null | undefined, trans: TranslationBundle): Notification.IAction[] {
  const actions: Notification.IAction[] = [];
  const open = (url: string) => () => void window.open(url, '_blank', 'noopener');
  if (links?.dashboard) {
    actions.push({ label: trans.__('Tekton Dashboard'), callback: open(links.dashboard), displayType: 'link' });
  }
  if (links?.console) {
    actions.push({ label: trans.__('OpenShift console'), callback: open(links.console), displayType: 'link' });
  }
  return actions;
}

/**
 * The configuration picked for `path`; when there is none, ask for one (or, when none
 * exists at all, open the manager on a new one).
 */
async function ensureConfig(
  app: JupyterFrontEnd,
  model: RuntimeConfigsModel,
  path: string,
  trans: TranslationBundle
): Promise<Tekton.IDescribeRuntimeConfig | null> {
  const picked = model.find(model.selected(path));
  if (picked) {
    return picked;
  }
  if (!model.configs.length) {
    Notification.info(trans.__('Create a runtime configuration first: it says where the pipeline runs.'), {
      autoClose: 6000
    });
    await app.commands.execute(ConfigsCommandIDs.manage, { create: true });
    return null;
  }
  const select = document.createElement('select');
  select.className = 'jp-mod-styled';
  select.setAttribute('aria-label', trans.__('Runtime configuration'));
  select.dataset.testid = 'submit-runtime-config';
  for (const config of model.configs) {
    select.appendChild(new Option(config.display_name || config.name, config.name));
  }
  const body = new Widget();
  body.node.append(trans.__('Submit with which runtime configuration?'), select);
  body.addClass('jp-tekton-SubmitDialog');
  const answer = await showDialog({
    title: trans.__('Submit to Tekton'),
    body,
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: trans.__('Submit') })]
  });
  if (!answer.button.accept) {
    return null;
  }
  await model.select(path, select.value);
  return model.find(select.value);
}
