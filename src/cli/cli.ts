/**
 * The `tekton-pipeline` command line: the sub-command table and dispatch (main.ts runs
 * it; tests call `main` directly or run the bundle).
 */
import { UsageError } from './args';
import { EXIT, ICommand } from './command';
import { compileCommand } from './compile';
import { configCommand } from './config';
import { IReporter, stdio } from './report';
import { runCommand } from './run';
import { submitCommand } from './submit';
import { validateCommand } from './validate';

export const COMMANDS: ICommand[] = [
  validateCommand,
  compileCommand('compile'),
  compileCommand('export'),
  runCommand,
  submitCommand,
  configCommand
];

export function overview(): string {
  const width = Math.max(...COMMANDS.map(c => c.name.length));
  return [
    'Usage: tekton-pipeline COMMAND FILE [options]',
    '       tekton-pipeline config list|show|get|create|edit|delete|test [NAME] [options]',
    '',
    'Commands:',
    ...COMMANDS.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "tekton-pipeline COMMAND --help" for its options.',
    'Exit codes: 0 ok, 1 invalid pipeline, 2 usage error, 3 environment (e.g. no Python).'
  ].join('\n');
}

export async function main(argv: string[], io: IReporter = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(overview() + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find(c => c.name === name);
  if (!command) {
    io.err(`tekton-pipeline: unknown command "${name}"\n\n${overview()}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`tekton-pipeline ${name}: ${error.message}\nRun "tekton-pipeline ${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    io.err(`tekton-pipeline ${name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return EXIT.environment;
  }
}

