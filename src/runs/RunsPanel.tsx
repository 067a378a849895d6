/**
 * The Runs sidebar: every run the server knows (local and Tekton), newest first, with
 * state, start and duration; Cancel for runs in progress, Rerun for finished runs,
 * the upload progress of a Tekton run just submitted; the selected run's nodes with
 * their log, executed notebook and run folder. It renders the `RunsModel` only.
 */
import { ReactWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { Tekton } from '../services';
import type { IRunDetail, IRunEntry } from './client';
import { isTekton, runKey } from './client';
import { LogView } from './LogView';
import { messageOf, RunsModel } from './model';
import { formatDuration, isFinished, runDuration } from './states';
import { runsIcon } from './icon';

export interface IRunsPanelActions {
  /** Open a file (an executed notebook) in JupyterLab. */
  openFile(path: string): void;
  /** Show a folder (a run's artifacts) in the file browser. */
  openFolder(path: string): void;
  /** Report a failed action. */
  notifyError(message: string): void;
  /** Report a successful action (e.g. the name of a rerun). */
  notifySuccess(message: string): void;
}

export class RunsPanel extends ReactWidget {
  constructor(readonly model: RunsModel, private _actions: IRunsPanelActions, private _trans: TranslationBundle) {
    super();
    this.id = 'jp-tekton-runs';
    this.addClass('jp-tekton-RunsPanel');
    this.title.icon = runsIcon;
    this.title.caption = _trans.__('Pipeline runs');
  }

  render(): JSX.Element {
    return <RunsView model={this.model} actions={this._actions} trans={this._trans} />;
  }
}

export interface IRunsViewProps {
  model: RunsModel;
  actions: IRunsPanelActions;
  trans: TranslationBundle;
}

/** Re-renders on the model's signals (and every second for running durations). */
export function RunsView({ model, actions, trans }: IRunsViewProps): JSX.Element {
  const [, setVersion] = React.useState(0);
  React.useEffect(() => {
    const bump = () => setVersion(v => v + 1);
    model.runsChanged.connect(bump);
    model.runChanged.connect(bump);
    const timer = window.setInterval(() => {
      if (model.runs.some(r => !isFinished(r.status))) {
        bump();
      }
    }, 1000);
    return () => {
      model.runsChanged.disconnect(bump);
      model.runChanged.disconnect(bump);
      window.clearInterval(timer);
    };
  }, [model]);

  const cancel = async (run: IRunEntry) => {
    try {
      await model.cancel(run);
    } catch (reason) {
      actions.notifyError(trans.__('Could not cancel %1: %2', run.id, messageOf(reason)));
    }
  };
  const [rerunning, setRerunning] = React.useState<string | null>(null);
  const rerun = async (run: IRunEntry) => {
    setRerunning(runKey(run));
    try {
      const fresh = await model.rerun(run);
      actions.notifySuccess(trans.__('Started %1 (rerun of %2)', fresh.id, run.id));
    } catch (reason) {
      actions.notifyError(trans.__('Could not rerun %1: %2', run.id, messageOf(reason)));
    } finally {
      setRerunning(null);
    }
  };
  const selectedKey = model.selectedKey;
  const selected = model.selected;

  return (
    <div className="jp-tekton-RunsPanel-content">
      <header className="jp-tekton-RunsPanel-header">
        <h2>{trans.__('Pipeline runs')}</h2>
        <button
          className="jp-tekton-RunsPanel-iconButton"
          title={trans.__('Refresh')}
          data-testid="runs-refresh"
          onClick={() => void model.refresh()}
        >
          <refreshIcon.react tag="span" />
        </button>
      </header>
      {model.error && (
        <div className="jp-tekton-RunsPanel-error" data-testid="runs-error">
          {trans.__('Cannot reach the server: %1', model.error)}
        </div>
      )}
      {model.listErrors.map(e => (
        <div key={e.runtime_config} className="jp-tekton-RunsPanel-error" data-testid="runs-config-error">
          {`${e.runtime_config}: ${e.message}`}
        </div>
      ))}
      {model.runs.length === 0 && !model.error && (
        <div className="jp-tekton-RunsPanel-empty">{trans.__('No runs yet. Press Run in a pipeline editor.')}</div>
      )}
      <ul className="jp-tekton-RunsPanel-list" data-testid="runs-list">
        {model.runs.map(run => {
          const key = runKey(run);
          const isSelected = key === selectedKey;
          return (
            <li
              key={key}
              className={`jp-tekton-RunsPanel-run jp-mod-${run.status}${isSelected ? ' jp-mod-selected' : ''}`}
              data-testid="run-row"
              data-run-id={run.id}
              data-status={run.status}
              data-backend={run.backend}
            >
              <div
                className="jp-tekton-RunsPanel-summary"
                role="button"
                tabIndex={0}
                title={run.id}
                onClick={() => void model.select(isSelected ? null : run)}
                onKeyDown={e => (e.key === 'Enter' ? void model.select(isSelected ? null : run) : undefined)}
              >
                <span className="jp-tekton-RunsPanel-name">{run.display_name || run.pipeline_name}</span>
                <span className="jp-tekton-RunsPanel-kind">{run.backend === 'tekton' ? 'Tekton' : trans.__('local')}</span>
                <span className={`jp-tekton-RunsPanel-status jp-mod-${run.status}`} data-testid="run-status">
                  {run.status}
                </span>
                <span className="jp-tekton-RunsPanel-time">{formatStart(run.started ?? run.created)}</span>
                <span className="jp-tekton-RunsPanel-duration">{formatDuration(runDuration(run))}</span>
                {!isFinished(run.status) && (
                  <button
                    className="jp-mod-styled jp-mod-warn jp-tekton-RunsPanel-cancel"
                    data-testid="run-cancel"
                    onClick={e => {
                      e.stopPropagation();
                      void cancel(run);
                    }}
                  >
                    {trans.__('Cancel')}
                  </button>
                )}
                {canRerun(run) && (
                  <button
                    className="jp-mod-styled jp-tekton-RunsPanel-rerun"
                    data-testid="run-rerun"
                    title={trans.__('Run again with the same parameters')}
                    disabled={rerunning === key}
                    onClick={e => {
                      e.stopPropagation();
                      void rerun(run);
                    }}
                  >
                    {trans.__('Rerun')}
                  </button>
                )}
              </div>
              <UploadProgress upload={model.detail(run)?.upload ?? null} trans={trans} />
              {isSelected && selected && <RunDetail run={selected} model={model} actions={actions} trans={trans} />}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function RunDetail({
  run,
  model,
  actions,
  trans
}: {
  run: IRunDetail;
  model: RunsModel;
  actions: IRunsPanelActions;
  trans: TranslationBundle;
}): JSX.Element {
  const [logTask, setLogTask] = React.useState<string | null>(null);
  const links: Partial<Tekton.IRunLinks> = run.links ?? {};
  return (
    <div className="jp-tekton-RunsPanel-detail" data-testid="run-detail">
      {run.message && <div className="jp-tekton-RunsPanel-message">{run.message}</div>}
      <div className="jp-tekton-RunsPanel-links">
        {run.artifacts_path && (
          <a href="#" data-testid="run-open-folder" onClick={e => (e.preventDefault(), actions.openFolder(run.artifacts_path!))}>
            {trans.__('Open run folder')}
          </a>
        )}
        {links.dashboard && (
          <a href={links.dashboard} target="_blank" rel="noopener noreferrer" data-testid="run-dashboard-link">
            {trans.__('Tekton Dashboard')}
          </a>
        )}
        {links.console && (
          <a href={links.console} target="_blank" rel="noopener noreferrer" data-testid="run-console-link">
            {trans.__('OpenShift console')}
          </a>
        )}
      </div>
      <ul className="jp-tekton-RunsPanel-nodes">
        {run.nodes.map(node => (
          <li key={node.id} data-testid="run-node" data-node-id={node.id} data-status={node.status}>
            <div className="jp-tekton-RunsPanel-node">
              <span className={`jp-tekton-RunsPanel-status jp-mod-${node.status}`}>{node.status}</span>
              <span className="jp-tekton-RunsPanel-name" title={node.message ?? node.file}>
                {node.label}
              </span>
              <span className="jp-tekton-RunsPanel-duration">
                {formatDuration(runDuration({ ...node, status: node.status }))}
              </span>
              {hasLog(node) && (
              <button
                className="jp-tekton-RunsPanel-linkButton"
                data-testid="run-node-log-toggle"
                aria-pressed={logTask === node.task_name}
                onClick={() => setLogTask(logTask === node.task_name ? null : node.task_name)}
              >
                {trans.__('Log')}
              </button>
              )}
              {node.notebook_path && (
                <button
                  className="jp-tekton-RunsPanel-linkButton"
                  data-testid="run-node-open-notebook"
                  title={node.notebook_path}
                  onClick={() => actions.openFile(node.notebook_path!)}
                >
                  {trans.__('Notebook')}
                </button>
              )}
              {isTekton(run) && storedFile(node) && (
                <StoredArtifacts run={run} node={node} model={model} actions={actions} trans={trans} />
              )}
            </div>
            {node.message && node.status !== 'succeeded' && (
              <div className="jp-tekton-RunsPanel-message">{node.message}</div>
            )}
            {logTask === node.task_name && (
              <LogView client={model.client} run={run} taskName={node.task_name} interval={model.interval} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A finished Tekton node's files in object storage: a button that copies them to
 * `<runs root>/<pipeline>/<run>/<task>/` and opens the executed notebook (or the folder),
 * and a plain download link of the notebook (or run.log).
 */
function StoredArtifacts({
  run,
  node,
  model,
  actions,
  trans
}: {
  run: IRunDetail;
  node: Tekton.IDescribeNode;
  model: RunsModel;
  actions: IRunsPanelActions;
  trans: TranslationBundle;
}): JSX.Element {
  const [copying, setCopying] = React.useState(false);
  const file = storedFile(node)!;
  const copy = async () => {
    setCopying(true);
    try {
      const copied = await model.client.copyNodeArtifacts(run, node.task_name);
      if (copied.notebook_path) {
        actions.openFile(copied.notebook_path);
      } else {
        actions.openFolder(copied.path);
      }
    } catch (reason) {
      actions.notifyError(trans.__('Could not copy the files of %1: %2', node.label, messageOf(reason)));
    } finally {
      setCopying(false);
    }
  };
  const isNotebook = !!node.notebook_uri;
  return (
    <>
      <button
        className="jp-tekton-RunsPanel-linkButton"
        data-testid="run-node-fetch"
        disabled={copying}
        title={trans.__('Copy the files of this node from %1 into the run folder and open them', node.artifacts_uri ?? '')}
        onClick={() => void copy()}
      >
        {copying ? trans.__('Copying…') : isNotebook ? trans.__('Notebook') : trans.__('Files')}
      </button>
      <a
        className="jp-tekton-RunsPanel-linkButton"
        data-testid="run-node-download"
        href={model.client.artifactUrl(run, `${node.task_name}/${file}`)}
        download={file.split('/').pop()}
        title={trans.__('Download %1', `${node.artifacts_uri ?? ''}${file}`)}
      >
        {trans.__('Download')}
      </a>
    </>
  );
}

const SAVED = new Set(['succeeded', 'failed', 'timed_out']);

/** What the save step stored for a node that ran (relative to `<task>/`): the executed
 * notebook, else the log; null for nodes that never ran or have no object storage. */
function storedFile(node: Tekton.IDescribeNode): string | null {
  if (!node.artifacts_uri || !node.started || !SAVED.has(node.status)) {
    return null;
  }
  if (node.notebook_uri && node.notebook_uri.startsWith(node.artifacts_uri)) {
    return node.notebook_uri.slice(node.artifacts_uri.length);
  }
  return 'run.log';
}

/** A just-submitted Tekton run's files going to object storage, or why that failed. */
function UploadProgress({
  upload,
  trans
}: {
  upload: Tekton.IUploadProgressInfo | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  if (!upload || (upload.state !== 'uploading' && upload.state !== 'failed')) {
    return null;
  }
  if (upload.state === 'failed') {
    return (
      <div className="jp-tekton-RunsPanel-error" data-testid="run-upload-error">
        {trans.__('Upload failed: %1', upload.message || trans.__('unknown error'))}
      </div>
    );
  }
  const total = upload.bytes_total > 0 ? upload.bytes_total : 1;
  return (
    <div className="jp-tekton-RunsPanel-upload" data-testid="run-upload" title={upload.current_key ?? undefined}>
      <span>
        {trans.__(
          'uploading %1/%2 files (%3 of %4 MB)',
          upload.files_done,
          upload.files_total,
          formatMB(upload.bytes_done),
          formatMB(upload.bytes_total)
        )}
      </span>
      <progress data-testid="run-upload-progress" max={total} value={Math.min(upload.bytes_done, total)} />
    </div>
  );
}

function formatMB(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

const RERUNNABLE = new Set(['succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted']);

/** Finished runs: the server recreates a Tekton run's PipelineRun, or repeats a local run's
 * compiled pipeline, with the same parameters. */
function canRerun(run: IRunEntry): boolean {
  return (run.backend !== 'tekton' || !!run.runtime_config) && RERUNNABLE.has(run.status);
}

function formatStart(iso: string | null): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

/** Nodes that never started (pending, skipped) have no log to read. */
function hasLog(node: Tekton.IDescribeNode): boolean {
  return !!node.log_path || !!node.started || !['pending', 'skipped'].includes(node.status);
}
