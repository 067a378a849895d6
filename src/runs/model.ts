/**
 * `RunsModel`: the runs the server knows (local and Tekton), kept fresh by one `Poll`,
 * shaped like jupyterlab-git's `GitExtension`. It follows the active run of every open
 * pipeline editor and feeds the per-node states to the editor through
 * `IPipelineEditorModel.setRunStates` — the only way run status reaches the canvas.
 */
import { IPoll, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import type { IDisposable } from '@lumino/disposable';
import type { Tekton } from '../services';
import type { IPipelineEditorModel } from '../tokens';
import { IListResult, IRunDetail, IRunEntry, IRunRef, RunsClient, runKey } from './client';
import { isFinished, toNodeRunStates } from './states';

/** A run that is shown somewhere: the pipeline it belongs to and how to address it. */
type Followed = IRunRef & { pipeline_path: string };

export class RunsModel implements IDisposable {
  constructor(options: RunsModel.IOptions = {}) {
    this.client = options.client ?? new RunsClient();
    this._interval = options.interval ?? RunsModel.DEFAULT_INTERVAL;
    this._poll = new Poll({
      auto: options.auto ?? true,
      factory: () => this._tick(),
      frequency: this._frequency(true),
      name: 'jupyterlab-tekton:runs',
      standby: options.standby ?? 'when-hidden'
    });
  }

  static readonly DEFAULT_INTERVAL = 1000;
  /** With nothing running the list is refreshed this many times less often. */
  static readonly IDLE_FACTOR = 5;

  readonly client: RunsClient;

  get runsChanged(): ISignal<this, void> {
    return this._runsChanged;
  }

  /** A followed or selected run's detail changed. */
  get runChanged(): ISignal<this, IRunDetail> {
    return this._runChanged;
  }

  get runs(): ReadonlyArray<IRunEntry> {
    return this._runs;
  }

  /** Runtime configurations whose runs could not be listed. */
  get listErrors(): IListResult['errors'] {
    return this._listErrors;
  }

  /** Why the last refresh failed (server gone, network), or null. */
  get error(): string | null {
    return this._error;
  }

  get selected(): IRunDetail | null {
    return this._selected ? this._details.get(runKey(this._selected)) ?? null : null;
  }

  get selectedKey(): string | null {
    return this._selected ? runKey(this._selected) : null;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Polling interval in ms while something runs (settings). */
  get interval(): number {
    return this._interval;
  }
  set interval(value: number) {
    this._interval = Math.max(250, value);
    this._poll.frequency = this._frequency(this._anyActive());
  }

  /** The last known detail of a run. */
  detail(run: IRunRef): IRunDetail | null {
    return this._details.get(runKey(run)) ?? null;
  }

  /**
   * Follow runs of this editor's pipeline: the run started from it, the one selected in
   * the panel, or else one that is running. Dispose the result to stop.
   */
  attach(editor: IPipelineEditorModel): IDisposable {
    this._editors.add(editor);
    void this.refresh();
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        disposed = true;
        this._editors.delete(editor);
        this._pushed.delete(editor);
      }
    };
  }

  /** Make `run` the one shown on its pipeline's canvas. */
  follow(run: Followed): void {
    this._followed.set(run.pipeline_path, { id: run.id, backend: run.backend, runtime_config: run.runtime_config, pipeline_path: run.pipeline_path });
  }

  /** Select a run in the panel (and show it on its pipeline's canvas); null clears. */
  async select(run: Followed | null): Promise<void> {
    this._selected = run;
    if (run) {
      this.follow(run);
    }
    this._runsChanged.emit();
    if (run) {
      await this.refresh();
    }
  }

  /** Start a local run, follow it, and refresh at once so the canvas shows it. */
  async startLocal(body: Tekton.ICreateLocalRun): Promise<IRunDetail> {
    const run = await this.client.startLocal(body);
    this.follow({ ...run, pipeline_path: run.pipeline_path || body.pipeline_path });
    this._store(run);
    void this.refresh();
    return run;
  }

  async cancel(run: IRunRef): Promise<void> {
    const detail = await this.client.cancel(run);
    this._store(detail);
    await this.refresh();
  }

  /** Rerun a finished run (local or Tekton) with the same parameters and select the new run. */
  async rerun(run: Followed): Promise<IRunDetail> {
    const fresh = await this.client.rerun(run);
    this._store(fresh);
    await this.select({
      id: fresh.id,
      backend: fresh.backend ?? run.backend,
      runtime_config: fresh.runtime_config ?? run.runtime_config,
      pipeline_path: fresh.pipeline_path || run.pipeline_path
    });
    return fresh;
  }

  /** Poll now (e.g. after a user action); resolves when the tick has run. */
  async refresh(): Promise<void> {
    await this._poll.refresh();
    await this._poll.tick;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    this._editors.clear();
    Signal.clearData(this);
  }

  private async _tick(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    let listed: IListResult;
    try {
      listed = await this.client.list();
    } catch (reason) {
      if (this._isDisposed) {
        return;
      }
      this._setError(messageOf(reason));
      throw reason; // the Poll backs off
    }
    // Disposed while the list was in flight: no follow-up requests, no signals.
    if (this._isDisposed) {
      return;
    }
    const before = JSON.stringify([this._runs, this._listErrors, this._error]);
    this._runs = listed.runs;
    this._listErrors = listed.errors;
    this._error = null;
    const wanted = this._wanted();
    await Promise.all(wanted.map(run => this._describe(run)));
    if (this._isDisposed) {
      return;
    }
    this._push();
    if (JSON.stringify([this._runs, this._listErrors, this._error]) !== before) {
      this._runsChanged.emit();
    }
    this._poll.frequency = this._frequency(this._anyActive());
  }

  /** Runs whose detail must be (re)read: shown ones that still change or are unknown. */
  private _wanted(): Followed[] {
    const shown = new Map<string, Followed>();
    const byKey = new Map(this._runs.map(r => [runKey(r), r]));
    const add = (run: Followed | null | undefined) => run && shown.set(runKey(run), run);
    add(this._selected);
    // Tekton runs still waiting for their upload: the rows show its progress.
    for (const run of this._runs) {
      if (run.backend === 'tekton' && (run.status === 'pending' || this._details.get(runKey(run))?.upload)) {
        add(run);
      }
    }
    for (const editor of this._editors) {
      let run = this._followed.get(editor.path);
      if (!run) {
        // Nothing chosen for this pipeline yet: follow a run of it that is in progress.
        const active = this._runs.find(r => r.pipeline_path === editor.path && !isFinished(r.status));
        if (active) {
          run = { ...active };
          this.follow(run);
        }
      }
      add(run);
    }
    return [...shown.values()].filter(run => {
      const detail = this._details.get(runKey(run));
      const listed = byKey.get(runKey(run));
      return !detail || !isFinished(detail.status) || (listed && listed.status !== detail.status);
    });
  }

  private async _describe(run: Followed): Promise<void> {
    try {
      this._store(await this.client.get(run));
    } catch (reason) {
      // A run deleted meanwhile: stop following it; other errors retry next tick.
      if ((reason as { response?: Response }).response?.status === 404) {
        this._details.delete(runKey(run));
        if (this._followed.get(run.pipeline_path) && runKey(this._followed.get(run.pipeline_path)!) === runKey(run)) {
          this._followed.delete(run.pipeline_path);
        }
      }
    }
  }

  private _store(detail: IRunDetail): void {
    const key = runKey(detail);
    const old = this._details.get(key);
    if (old && JSON.stringify(old) === JSON.stringify(detail)) {
      return;
    }
    this._details.set(key, detail);
    this._runChanged.emit(detail);
  }

  /** Give each editor the node states of its followed run (only when they changed). */
  private _push(): void {
    for (const editor of this._editors) {
      const run = this._followed.get(editor.path);
      const detail = run ? this._details.get(runKey(run)) : undefined;
      const stamp = detail ? `${runKey(detail)}:${JSON.stringify(detail.nodes)}` : '';
      if ((this._pushed.get(editor) ?? '') === stamp) {
        continue;
      }
      this._pushed.set(editor, stamp);
      editor.setRunStates(detail ? toNodeRunStates(detail.nodes) : null);
    }
  }

  private _anyActive(): boolean {
    return (
      this._runs.some(r => !isFinished(r.status)) ||
      [...this._details.values()].some(d => !isFinished(d.status))
    );
  }

  private _frequency(active: boolean): IPoll.Frequency {
    const interval = active ? this._interval : this._interval * RunsModel.IDLE_FACTOR;
    return { interval, backoff: true, max: Math.max(30_000, interval) };
  }

  private _setError(message: string): void {
    if (this._error !== message) {
      this._error = message;
      this._runsChanged.emit();
    }
  }

  private _poll: Poll;
  private _interval: number;
  private _isDisposed = false;
  private _runs: IRunEntry[] = [];
  private _listErrors: IListResult['errors'] = [];
  private _error: string | null = null;
  private _selected: Followed | null = null;
  private _details = new Map<string, IRunDetail>();
  private _followed = new Map<string, Followed>();
  private _editors = new Set<IPipelineEditorModel>();
  private _pushed = new Map<IPipelineEditorModel, string>();
  private _runsChanged = new Signal<this, void>(this);
  private _runChanged = new Signal<this, IRunDetail>(this);
}

export namespace RunsModel {
  export interface IOptions {
    client?: RunsClient;
    /** Poll interval in ms while a run is in progress (idle: 5×). */
    interval?: number;
    /** Start polling at once (tests pass false and call `refresh()`). */
    auto?: boolean;
    standby?: Poll.Standby | (() => boolean | Poll.Standby);
  }
}

export function messageOf(reason: unknown): string {
  return String((reason as Error)?.message ?? reason);
}
