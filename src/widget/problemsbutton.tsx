import type { CommandRegistry } from '@lumino/commands';
import type { TranslationBundle } from '@jupyterlab/translation';
import { checkIcon, errorIcon, ReactWidget, ToolbarButtonComponent, UseSignal } from '@jupyterlab/ui-components';
import React from 'react';
import { CommandIDs } from '../tokens';
import { warningIcon } from './icons';
import type { PipelineDocumentWidget } from './documentwidget';

/** Toolbar item: the number of problems of this pipeline; opens the problems list. */
export class ProblemsButton extends ReactWidget {
  constructor(
    private _widget: PipelineDocumentWidget,
    private _commands: CommandRegistry,
    private _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-tekton-PipelineEditor-problemsButton');
  }

  protected render(): JSX.Element {
    const model = this._widget.content.model;
    const trans = this._trans;
    return (
      <UseSignal signal={model.stateChanged}>
        {() => {
          const snapshot = model.snapshot;
          const diagnostics = snapshot.status === 'error' ? snapshot.parseDiagnostics : snapshot.diagnostics;
          const errors = diagnostics.filter(d => d.severity === 'error').length;
          const count = diagnostics.length;
          const label =
            snapshot.status === 'loading'
              ? ''
              : count === 0
                ? trans.__('No problems')
                : trans._n('%1 problem', '%1 problems', count);
          return (
            <ToolbarButtonComponent
              icon={errors ? errorIcon : count ? warningIcon : checkIcon}
              label={label}
              tooltip={
                count
                  ? trans.__('%1 errors, %2 warnings: show the list', errors, count - errors)
                  : trans.__('The pipeline has no problems')
              }
              className={errors ? 'jp-mod-error' : count ? 'jp-mod-warning' : 'jp-mod-ok'}
              dataset={{ testid: 'toolbar-problems', count: String(count) }}
              enabled={snapshot.status === 'ready'}
              onClick={() => {
                this._widget.activate();
                void this._commands.execute(CommandIDs.showProblems);
              }}
            />
          );
        }}
      </UseSignal>
    );
  }
}
