import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';
import { getLinks, getNodes, getPrimaryPipeline } from '../model';
import type { IPipelineDocumentWidget, IPipelineEditorModel, IPipelineTracker } from '../tokens';

/** Status bar: the current pipeline's name, node and link counts and validation state. */
export class PipelineStatus extends ReactWidget {
  constructor(
    private _tracker: IPipelineTracker,
    private _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-tekton-PipelineStatus');
    this._tracker.currentChanged.connect(this._onCurrentChanged, this);
    this._onCurrentChanged(this._tracker, this._tracker.currentWidget);
  }

  protected render(): JSX.Element | null {
    const model = this._model;
    const doc = model?.document;
    const trans = this._trans;
    if (!model || !doc) {
      return null;
    }
    const pipeline = getPrimaryPipeline(doc);
    const nodes = getNodes(pipeline).length;
    const links = getLinks(doc).length;
    const errors = model.diagnostics.filter(d => d.severity === 'error').length;
    const warnings = model.diagnostics.length - errors;
    const name = pipeline?.app_data?.properties?.name || model.path.split('/').pop();
    const state =
      errors > 0
        ? trans._n('%1 error', '%1 errors', errors)
        : warnings > 0
          ? trans._n('%1 warning', '%1 warnings', warnings)
          : trans.__('valid');
    return (
      <span className="jp-tekton-PipelineStatus-text" data-testid="pipeline-status">
        {trans.__('Pipeline: %1', name ?? '')} · {trans._n('%1 node', '%1 nodes', nodes)} ·{' '}
        {trans._n('%1 link', '%1 links', links)} ·{' '}
        <span className={errors ? 'jp-mod-error' : warnings ? 'jp-mod-warning' : 'jp-mod-ok'}>{state}</span>
      </span>
    );
  }

  private _onCurrentChanged(_: IPipelineTracker, widget: IPipelineDocumentWidget | null): void {
    this._model?.stateChanged.disconnect(this._onStateChanged, this);
    this._model = widget?.content.model ?? null;
    this._model?.stateChanged.connect(this._onStateChanged, this);
    this.update();
  }

  private _onStateChanged(): void {
    // Cheap to render, but coalesce bursts of changes (drags, typing) into one frame.
    if (!this._frame) {
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        this.update();
      });
    }
  }

  private _model: IPipelineEditorModel | null = null;
  private _frame = 0;
}
