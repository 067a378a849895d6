/**
 * The runs plugin: one `RunsModel` for the application, the Runs sidebar, the Run
 * command, and the link from each open pipeline editor to the model.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IPipelineTracker, TRANSLATION_DOMAIN } from '../tokens';
import { RunsModel } from './model';
import { RunsPanel } from './RunsPanel';
import { addRunLocalCommand, RUN_LOCAL_COMMAND } from './runlocal';

export const runsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-tekton:runs',
  description: 'Runs pipelines locally and shows local and Tekton runs in a sidebar and on the canvas.',
  autoStart: true,
  requires: [IPipelineTracker],
  optional: [IDocumentManager, ICommandPalette, ILayoutRestorer, ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: IPipelineTracker,
    docManager: IDocumentManager | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const model = new RunsModel();
    const panel = new RunsPanel(
      model,
      {
        openFile: path => void docManager?.openOrReveal(path),
        openFolder: path => void app.commands.execute('filebrowser:go-to-path', { path }),
        notifyError: message => void Notification.error(message, { autoClose: false }),
        notifySuccess: message => void Notification.success(message, { autoClose: 5000 })
      },
      trans
    );
    app.shell.add(panel, 'left', { rank: 650 });
    restorer?.add(panel, panel.id);
    const showPanel = () => app.shell.activateById(panel.id);

    addRunLocalCommand(app, tracker, model, trans, showPanel);
    palette?.addItem({ command: RUN_LOCAL_COMMAND, category: trans.__('Pipeline Editor') });

    // Every open editor shows the state of its pipeline's active run.
    tracker.widgetAdded.connect((_, widget) => {
      const link = model.attach(widget.content.model);
      widget.disposed.connect(() => link.dispose());
    });
    tracker.forEach(widget => {
      const link = model.attach(widget.content.model);
      widget.disposed.connect(() => link.dispose());
    });
    tracker.currentChanged.connect(() => app.commands.notifyCommandChanged(RUN_LOCAL_COMMAND));

    if (settingRegistry) {
      void settingRegistry.load(runsPlugin.id).then(settings => {
        const apply = () => {
          model.interval = (settings.get('pollInterval').composite as number) ?? RunsModel.DEFAULT_INTERVAL;
        };
        apply();
        settings.changed.connect(apply);
      }).catch(reason => console.warn('jupyterlab-tekton: runs settings not loaded', reason));
    }
  }
};
