/**
 * Runtime configurations as the UI sees them: the server's list (secrets only as
 * "set"/"not set"), refreshed on demand, and the configuration picked per pipeline file
 * (for the session), the last pick being the default for other files and remembered in
 * the plugin settings (`lastRuntimeConfig`).
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { Tekton, TektonService } from '../services';

export class RuntimeConfigsModel {
  constructor(options: RuntimeConfigsModel.IOptions) {
    this.service = options.service;
    this._last = options.last ?? null;
    this._persist = options.persist ?? null;
  }

  readonly service: TektonService;

  /** Emitted when the list or a selection changes. */
  get changed(): ISignal<RuntimeConfigsModel, void> {
    return this._changed;
  }

  get configs(): ReadonlyArray<Tekton.IDescribeRuntimeConfig> {
    return this._configs;
  }

  /** The last error of `refresh()` (e.g. server extension missing), or null. */
  get error(): string | null {
    return this._error;
  }

  get loaded(): boolean {
    return this._loaded;
  }

  find(name: string | null | undefined): Tekton.IDescribeRuntimeConfig | null {
    return this._configs.find(c => c.name === name) ?? null;
  }

  async refresh(): Promise<void> {
    try {
      const reply = await this.service.listRuntimeConfigs();
      this._configs = [...reply.runtime_configs].sort((a, b) => a.name.localeCompare(b.name));
      this._error = null;
    } catch (reason) {
      this._error = (reason as Error)?.message ?? String(reason);
    }
    this._loaded = true;
    this._changed.emit();
  }

  /** The configuration picked for a pipeline file: its own, else the last one picked. */
  selected(path: string): string | null {
    const name = this._byPath[path] ?? this._last;
    return name && (!this._loaded || this.find(name)) ? name : null;
  }

  async select(path: string, name: string | null): Promise<void> {
    if (name) {
      this._byPath[path] = name;
      this._last = name;
    } else {
      delete this._byPath[path];
    }
    this._changed.emit();
    if (name && this._persist) {
      await this._persist(name);
    }
  }

  /** A pipeline file was renamed: its pick follows it. */
  rename(oldPath: string, newPath: string): void {
    if (this._byPath[oldPath]) {
      this._byPath[newPath] = this._byPath[oldPath];
      delete this._byPath[oldPath];
    }
  }

  private _configs: Tekton.IDescribeRuntimeConfig[] = [];
  private _error: string | null = null;
  private _loaded = false;
  private _last: string | null = null;
  private _byPath: Record<string, string> = {};
  private _persist: ((name: string) => Promise<void>) | null;
  private _changed = new Signal<RuntimeConfigsModel, void>(this);
}

export namespace RuntimeConfigsModel {
  export interface IOptions {
    service: TektonService;
    /** The last configuration picked in an earlier session. */
    last?: string | null;
    /** Remember the last pick (the plugin settings). */
    persist?: (name: string) => Promise<void>;
  }
}
