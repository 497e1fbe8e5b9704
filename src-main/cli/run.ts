// The headless CLI: it parses, asks, calls the services and prints; the rules live in the services. `main` is the
// whole CLI for one command line, driven in-process by the tests and run by both programs: Node's (cli/main.ts, the
// bin entry) and the installed app's (`<app> --cli …`, electron/cli-mode.ts), which differ only in their CliHost.
import { StartupError } from '../startup';
import { AppError } from '../../src-shared/errors';
import { parseCliArgs, USAGE, type CliArgs, type CommandName } from './args';
import { assignOrphansCommand } from './commands/assign-orphans';
import { backupsCommand } from './commands/backups';
import { check } from './commands/check';
import { deleteOrphansCommand } from './commands/delete-orphans';
import { info } from './commands/info';
import { migrate } from './commands/migrate';
import { restoreCommand } from './commands/restore';
import { verify } from './commands/verify';
import { commandContext, type CliHost, type Command } from './context';
import { ConfirmationError, ExitCode, UsageError } from './exit-codes';
import { type CliIo } from './io';
import { log } from '../log';

const COMMAND_HANDLERS: Record<Exclude<CommandName, 'help'>, Command> = {
  info,
  migrate,
  check,
  'delete-orphans': deleteOrphansCommand,
  'assign-orphans': assignOrphansCommand,
  backups: backupsCommand,
  restore: restoreCommand,
  verify,
};

export async function main(argv: readonly string[], io: CliIo, host: CliHost = {}): Promise<number> {
  const json = argv.includes('--json');
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    return reportFailure(io, json, error);
  }
  if (args.command === 'help') {
    io.stdout.write(args.json ? `${JSON.stringify({ ok: true, value: { usage: USAGE } })}\n` : USAGE);
    return ExitCode.ok;
  }
  try {
    return await COMMAND_HANDLERS[args.command](commandContext(args, io, host));
  } catch (error) {
    return reportFailure(io, args.json, error);
  }
}

interface Failure {
  exitCode: number;
  code: string;
  message: string;
  backupPath?: string;
}

function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) return { exitCode: ExitCode.usage, code: 'USAGE', message: error.message };
  if (error instanceof ConfirmationError) return { exitCode: ExitCode.confirmation, code: 'CONFIRMATION', message: error.message };
  if (error instanceof StartupError) {
    const backupPath = error.backupPath ?? undefined;
    return { exitCode: ExitCode.database, code: `DATABASE_${error.reason.toUpperCase()}`, message: error.message, backupPath };
  }
  if (error instanceof AppError) {
    return { exitCode: error.code === 'CONFLICT' ? ExitCode.conflict : ExitCode.failure, code: error.code, message: error.message };
  }
  return { exitCode: ExitCode.failure, code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function reportFailure(io: CliIo, json: boolean, error: unknown): number {
  const failure = describeFailure(error);
  // What the operator mistyped or declined is theirs to see; a command that failed is the log's too.
  if (failure.exitCode !== ExitCode.usage && failure.exitCode !== ExitCode.confirmation) log.error(`[cli] a command failed (${failure.code}):`, error);
  if (json) {
    io.stdout.write(`${JSON.stringify({ ok: false, error: failure }, null, 2)}\n`);
    return failure.exitCode;
  }
  io.stderr.write(`Error: ${failure.message}\n`);
  if (failure.backupPath) io.stderr.write(`A backup made before the failed step is at: ${failure.backupPath}\n`);
  if (failure.exitCode === ExitCode.usage) io.stderr.write('Run with --help for the commands and flags.\n');
  return failure.exitCode;
}
