/** What every sub-command file exports. */
import type { IReporter } from './report';

export interface ICommand {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** Full help text. */
  help: string;
  /** Resolves to the exit code: 0 ok, 1 invalid pipeline, 2 usage; run/submit may pass on others. */
  run(argv: string[], io: IReporter): Promise<number>;
}

export const EXIT = { ok: 0, invalid: 1, usage: 2, environment: 3 } as const;
