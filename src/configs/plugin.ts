/**
 * Runtime configurations (where a pipeline runs on Tekton) and "Submit to Tekton":
 * the manager sidebar, the picker in the pipeline editor toolbar and the submit command.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ILayoutRestorer } from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { TektonService } from '../services';
import { IPipelineDocumentWidget, IPipelineTracker, PIPELINE_FACTORY, TRANSLATION_DOMAIN } from '../tokens';
import { RuntimeConfigsPanel } from './ConfigsPanel';
import { ConfigsCommandIDs, PICKER_TOOLBAR_ITEM, runtimeConfigsIcon } from './constants';
import { RuntimeConfigsModel } from './model';
import { RuntimeConfigPicker } from './picker';
import { addSubmitCommand } from './submit';

const PLUGIN_ID = 'jupyterlab-tekton:runtime-configs';
const PANEL_ID = 'jp-tekton-runtime-configs';

export const runtimeConfigsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Manages Tekton runtime configurations and submits pipelines to Tekton.',
  autoStart: true,
  requires: [IPipelineTracker],
  optional: [ICommandPalette, IToolbarWidgetRegistry, ISettingRegistry, ILayoutRestorer, ITranslator],
  activate: async (
    app: JupyterFrontEnd,
    tracker: IPipelineTracker,
    palette: ICommandPalette | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): Promise<void> => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const settings = settingRegistry ? await settingRegistry.load(PLUGIN_ID).catch(() => null) : null;
    const model = new RuntimeConfigsModel({
      service: new TektonService({ serverSettings: app.serviceManager.serverSettings }),
      last: (settings?.get('lastRuntimeConfig').composite as string | null) ?? null,
      persist: async name => {
        await settings?.set('lastRuntimeConfig', name);
      }
    });

    const panel = new RuntimeConfigsPanel({ model, trans, translator: translator ?? undefined });
    panel.id = PANEL_ID;
    panel.title.icon = runtimeConfigsIcon;
    panel.title.caption = trans.__('Runtime Configurations');
    app.shell.add(panel, 'right', { rank: 900 });
    restorer?.add(panel, PANEL_ID);

    app.commands.addCommand(ConfigsCommandIDs.manage, {
      label: trans.__('Manage Runtime Configurations'),
      caption: trans.__('Create, edit, test and delete the Tekton runtime configurations'),
      icon: args => (args.isPalette ? undefined : runtimeConfigsIcon),
      execute: args => {
        app.shell.activateById(PANEL_ID);
        if (args.create) {
          panel.edit(null);
        }
        void model.refresh();
      }
    });
    addSubmitCommand(app, tracker, model, trans);

    if (palette) {
      const category = trans.__('Pipeline Editor');
      palette.addItem({ command: ConfigsCommandIDs.manage, category, args: { isPalette: true } });
      palette.addItem({ command: ConfigsCommandIDs.submit, category });
    }

    toolbarRegistry?.addFactory<IPipelineDocumentWidget>(
      PIPELINE_FACTORY,
      PICKER_TOOLBAR_ITEM,
      widget => new RuntimeConfigPicker(widget, model, app.commands, ConfigsCommandIDs.manage, trans)
    );
    // The submit button's state follows the current editor's document.
    tracker.currentChanged.connect(() => app.commands.notifyCommandChanged(ConfigsCommandIDs.submit));
    tracker.widgetAdded.connect((_, widget) => {
      widget.content.model.stateChanged.connect(() => app.commands.notifyCommandChanged(ConfigsCommandIDs.submit));
      // A renamed pipeline keeps its pick.
      let oldPath = widget.context.path;
      widget.context.pathChanged.connect((_context, path) => {
        model.rename(oldPath, path);
        oldPath = path;
      });
    });

    void model.refresh();
  }
};
