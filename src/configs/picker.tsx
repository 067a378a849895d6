/**
 * The runtime-configuration picker of a pipeline editor's toolbar: which configuration
 * "Submit to Tekton" uses for this file. Its last entry opens the manager.
 */
import { ReactWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { HTMLSelect } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import React from 'react';
import type { IPipelineDocumentWidget } from '../tokens';
import type { RuntimeConfigsModel } from './model';

export const MANAGE_VALUE = '__manage__';

export class RuntimeConfigPicker extends ReactWidget {
  constructor(
    private readonly _widget: IPipelineDocumentWidget,
    private readonly _model: RuntimeConfigsModel,
    private readonly _commands: CommandRegistry,
    private readonly _manageCommand: string,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-tekton-RuntimeConfigPicker');
    _model.changed.connect(() => this.update(), this);
    _widget.context.pathChanged.connect((_, path) => this.update(), this);
  }

  dispose(): void {
    this._model.changed.disconnect(this.update, this);
    super.dispose();
  }

  render(): JSX.Element {
    const trans = this._trans;
    const path = this._widget.context.path;
    const selected = this._model.selected(path) ?? '';
    const configs = this._model.configs;
    return (
      <HTMLSelect
        className="jp-tekton-RuntimeConfigPicker-select"
        aria-label={trans.__('Runtime configuration')}
        title={trans.__('Runtime configuration used by Submit to Tekton')}
        data-testid="runtime-config-picker"
        value={selected}
        onChange={event => {
          const value = event.target.value;
          if (value === MANAGE_VALUE) {
            void this._commands.execute(this._manageCommand);
            this.update();
            return;
          }
          void this._model.select(path, value || null);
        }}
      >
        <option value="">{configs.length ? trans.__('Runtime configuration…') : trans.__('No runtime configuration')}</option>
        {configs.map(config => (
          <option key={config.name} value={config.name}>
            {config.display_name || config.name}
          </option>
        ))}
        <option value={MANAGE_VALUE}>{trans.__('Manage runtime configurations…')}</option>
      </HTMLSelect>
    );
  }
}
