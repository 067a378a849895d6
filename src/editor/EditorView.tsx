import React, { useCallback, useMemo, useRef, useSyncExternalStore } from 'react';
import type { PipelineEditorModel } from '../widget/editormodel';
import { EditorContext, IEditorContext, useEditorState } from './context';
import { ErrorView } from './ErrorView';
import { PipelineCanvas } from './PipelineCanvas';
import { ProblemsList } from './ProblemsList';
import { PropertiesPanel } from './PropertiesPanel';
import type { ICanvasController, IEditorServices } from './types';
import type { ViewState } from './viewstate';

export interface IEditorViewProps {
  model: PipelineEditorModel;
  services: IEditorServices;
  viewState: ViewState;
  onController(controller: ICanvasController | null): void;
}

/** One view of a pipeline: canvas and problems on the left, properties on the right. */
export function EditorView(props: IEditorViewProps): JSX.Element {
  const { model, services, viewState } = props;
  const context = useMemo<IEditorContext>(() => ({ model, services, viewState }), [model, services, viewState]);
  return (
    <EditorContext.Provider value={context}>
      <EditorBody {...props} viewState={viewState} />
    </EditorContext.Provider>
  );
}

function EditorBody({ model, services, viewState, onController }: IEditorViewProps): JSX.Element {
  const state = useEditorState(model);
  const view = useSyncExternalStore(viewState.subscribe, viewState.getSnapshot);
  const controller = useRef<ICanvasController | null>(null);
  const setController = useCallback(
    (c: ICanvasController | null) => {
      controller.current = c;
      onController(c);
    },
    [onController]
  );
  const focusNode = useCallback(
    (nodeId: string) => {
      model.requestSelection({ nodes: [nodeId], comments: [], links: [] });
      controller.current?.focusNodes([nodeId]);
    },
    [model]
  );
  const closeProblems = useCallback(() => viewState.set({ problemsOpen: false }), [viewState]);

  if (state.status === 'loading') {
    return <div className="jp-tekton-PipelineEditor-loading">{services.trans.__('Loading pipeline…')}</div>;
  }
  if (state.status === 'error') {
    return <ErrorView diagnostics={state.parseDiagnostics} />;
  }
  return (
    <div className="jp-tekton-PipelineEditor-main">
      <div className="jp-tekton-PipelineEditor-canvas">
        <PipelineCanvas onController={setController} />
        {view.problemsOpen && (
          <ProblemsList diagnostics={state.diagnostics} onClose={closeProblems} onFocusNode={focusNode} />
        )}
      </div>
      <PropertiesPanel />
    </div>
  );
}
