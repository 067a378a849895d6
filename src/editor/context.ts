import React from 'react';
import type { PipelineEditorModel } from '../widget/editormodel';
import type { IEditorServices } from './types';
import type { ViewState } from './viewstate';

/** What every component of one editor view may use: the document model and the services. */
export interface IEditorContext {
  model: PipelineEditorModel;
  services: IEditorServices;
  viewState: ViewState;
}

export const EditorContext = React.createContext<IEditorContext | null>(null);

export function useEditorContext(): IEditorContext {
  const context = React.useContext(EditorContext);
  if (!context) {
    throw new Error('Editor components must be rendered inside an EditorContext provider');
  }
  return context;
}

/** The model's current snapshot; re-renders when it changes. */
export function useEditorState(model: PipelineEditorModel): PipelineEditorModel.ISnapshot {
  return React.useSyncExternalStore(model.subscribe, model.getSnapshot);
}
