/**
 * The pipeline editor a command should act on: the tracker's current editor, but only
 * while it is the focused main-area widget (a command run from another document must not
 * act on a pipeline the user is not looking at).
 */
import type { IWidgetTracker } from '@jupyterlab/apputils';
import type { Widget } from '@lumino/widgets';

export function focusedPipeline<T extends Widget>(
  shell: { readonly currentWidget: Widget | null },
  tracker: IWidgetTracker<T>
): T | null {
  const widget = tracker.currentWidget;
  return widget && widget === shell.currentWidget ? widget : null;
}
