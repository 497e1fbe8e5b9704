// What every command gets: its parsed flags, the terminal, and one way to print its result.
import type { ProgressListener } from '../../src-shared/progress';
import type { CliArgs } from './args';
import { progressReporter, type CliIo } from './io';

/**
 * What differs between the programs that run the CLI: Node (cli/main.ts) leaves both unset; the installed app
 * (electron/cli-mode.ts) passes its own better-sqlite3 addon and the folder its window uses.
 */
export interface CliHost {
  /** The better-sqlite3 addon to load instead of node_modules' (better-sqlite3's `nativeBinding` option). */
  nativeBinding?: string;
  /** The user-data folder that holds the default database; computed from the platform when unset (db/paths.ts). */
  userDataDir?: string;
  /** How the operator types this CLI, for the commands a message suggests; NODE_CLI_COMMAND when unset. */
  command?: string;
}

/** The Node program's name: package.json's bin. */
export const NODE_CLI_COMMAND = 'automation-console';

export interface CommandContext {
  args: CliArgs;
  io: CliIo;
  host: CliHost;
  /** How the operator types this CLI (`automation-console`, or the app with `--cli`), for suggested commands. */
  command: string;
  /** Prints the command's result: `{ok, value}` as JSON with --json, else the human-readable lines. */
  print(value: unknown, humanLines: string[], ok?: boolean): void;
  /** An intermediate line of output (stdout) before the result, e.g. a preview; silent with --json. */
  say(line: string): void;
  /** A line for the person at the terminal (stderr); silent with --json. */
  note(line: string): void;
  /** Runs a long operation with progress on stderr (off with --json). */
  withProgress<T>(work: (onProgress: ProgressListener) => T | Promise<T>): Promise<T>;
}

export type Command = (context: CommandContext) => Promise<number>;

export function commandContext(args: CliArgs, io: CliIo, host: CliHost = {}): CommandContext {
  return {
    args,
    io,
    host,
    command: host.command ?? NODE_CLI_COMMAND,
    print(value, humanLines, ok = true) {
      if (args.json) io.stdout.write(`${JSON.stringify({ ok, value }, null, 2)}\n`);
      else io.stdout.write(humanLines.map((line) => `${line}\n`).join(''));
    },
    say(line) {
      if (!args.json) io.stdout.write(`${line}\n`);
    },
    note(line) {
      if (!args.json) io.stderr.write(`${line}\n`);
    },
    async withProgress(work) {
      const progress = progressReporter(io, !args.json);
      try {
        return await work(progress.onProgress);
      } finally {
        progress.finish();
      }
    },
  };
}
