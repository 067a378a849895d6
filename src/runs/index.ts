/** Runs: the model that polls them, the sidebar panel, the Run command, the plugin. */
export { RunsClient, runKey } from './client';
export type { IRunDetail, IRunEntry, IRunRef } from './client';
export { RunsModel } from './model';
export { RunsPanel, RunsView } from './RunsPanel';
export { LogView } from './LogView';
export { RUN_LOCAL_COMMAND } from './runlocal';
export { toNodeRunStates, formatDuration, isFinished } from './states';
export { runsPlugin } from './plugin';
