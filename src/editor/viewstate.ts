import type { IStore } from './types';

/** Per-view UI state that commands toggle (e.g. from the toolbar) and the view renders. */
export interface IViewState {
  problemsOpen: boolean;
  /** A comment the view should open for editing (e.g. one just added), or null. */
  editComment: string | null;
}

export class ViewState implements IStore<IViewState> {
  readonly subscribe = (callback: () => void): (() => void) => {
    this._listeners.add(callback);
    return () => this._listeners.delete(callback);
  };

  readonly getSnapshot = (): IViewState => this._state;

  set(change: Partial<IViewState>): void {
    this._state = { ...this._state, ...change };
    this._listeners.forEach(listener => listener());
  }

  private _state: IViewState = { problemsOpen: false, editComment: null };
  private _listeners = new Set<() => void>();
}
