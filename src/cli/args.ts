/**
 * Command-line parsing for the sub-commands: flags with values (`--param k=v`, `-o x`,
 * `--name=x`), boolean flags, positionals, and `--` to pass the rest through. Errors
 * are usage errors (exit 2) with a message saying what was wrong.
 */

export class UsageError extends Error {}

export interface IFlagSpec {
  /** Takes a value (`--x v` or `--x=v`). */
  value?: boolean;
  /** May be given more than once (values collected in order). */
  repeat?: boolean;
  /** Other spellings, e.g. `-o` for `--output`. */
  aliases?: string[];
}

export interface IParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
  /** Everything after a bare `--`. */
  rest: string[];
}

export function parseArgs(argv: string[], specs: Record<string, IFlagSpec>): IParsedArgs {
  const byName = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    byName.set(`--${name}`, name);
    for (const alias of spec.aliases ?? []) {
      byName.set(alias, name);
    }
  }
  const parsed: IParsedArgs = { positionals: [], flags: new Map(), rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      parsed.rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const name = byName.get(key);
    if (name === undefined) {
      throw new UsageError(`unknown option ${key}`);
    }
    const spec = specs[name];
    let value = 'true';
    if (spec.value) {
      if (key !== arg) {
        value = arg.slice(eq + 1);
      } else if (i + 1 < argv.length) {
        value = argv[++i];
      } else {
        throw new UsageError(`${key} needs a value`);
      }
    } else if (key !== arg) {
      throw new UsageError(`${key} takes no value`);
    }
    const values = parsed.flags.get(name) ?? [];
    if (values.length && !spec.repeat) {
      throw new UsageError(`${key} given more than once`);
    }
    values.push(value);
    parsed.flags.set(name, values);
  }
  return parsed;
}

/** The single value of a flag, or undefined. */
export function flagValue(args: IParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

export function hasFlag(args: IParsedArgs, name: string): boolean {
  return args.flags.has(name);
}

/** `k=v` pairs of a repeated flag as an object (later keys win). */
export function keyValueFlags(args: IParsedArgs, name: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of args.flags.get(name) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`--${name} expects KEY=VALUE, got "${pair}"`);
    }
    result[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return result;
}

/** Exactly one positional FILE. */
export function singleFile(args: IParsedArgs, command: string): string {
  if (args.positionals.length !== 1) {
    throw new UsageError(
      args.positionals.length === 0 ? `${command} needs a pipeline FILE` : `${command} takes one FILE, got ${args.positionals.length}`
    );
  }
  return args.positionals[0];
}
