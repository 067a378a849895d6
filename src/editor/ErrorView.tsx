import React from 'react';
import type { IDiagnostic } from '../model/types';
import { useEditorContext } from './context';

/** Shown instead of the canvas when the file cannot be read as a pipeline. */
export function ErrorView(props: { diagnostics: ReadonlyArray<IDiagnostic> }): JSX.Element {
  const { model, services } = useEditorContext();
  const trans = services.trans;
  const errors = props.diagnostics.filter(d => d.severity === 'error');
  const shown = errors.length ? errors : props.diagnostics;
  return (
    <div className="jp-tekton-PipelineEditor-error" role="alert" data-testid="pipeline-error-view">
      <h2>{trans.__('This file cannot be opened as a pipeline')}</h2>
      <p className="jp-tekton-PipelineEditor-errorPath">{model.path}</p>
      <ul>
        {shown.map((d, i) => (
          <li key={i} data-testid="pipeline-error">
            <span className="jp-tekton-PipelineEditor-errorMessage">{d.message}</span>
            {d.path ? (
              <span className="jp-tekton-PipelineEditor-errorWhere">
                {' '}
                {trans.__('(at %1)', d.path)}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <p>
        {trans.__(
          'The file has not been changed. Fix it in the text editor; this view updates when the file becomes a valid pipeline.'
        )}
      </p>
      <button
        className="jp-Button jp-mod-styled jp-mod-accept"
        data-testid="pipeline-open-as-text"
        onClick={() => services.openAsText()}
      >
        {trans.__('Open as text')}
      </button>
    </div>
  );
}
