// The command line: commands, their flags, and the usage text. Parsing only; commands live in commands/.
import { parseArgs } from 'node:util';
import type { OrphanSelection } from '../orphans/orphans';
import { ExitCode, UsageError } from './exit-codes';

export const COMMANDS = ['info', 'migrate', 'check', 'delete-orphans', 'assign-orphans', 'backups', 'restore', 'verify', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

const OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  yes: { type: 'boolean', short: 'y' },
  all: { type: 'boolean' },
  ids: { type: 'string' },
  business: { type: 'string' },
  limit: { type: 'string' },
  suggest: { type: 'boolean' },
  suggested: { type: 'boolean' },
  verify: { type: 'boolean' },
  prune: { type: 'boolean' },
} as const;
type OptionName = keyof typeof OPTIONS;

/** Flags each command accepts, besides --help. `verify` takes no --db: it never touches the operator's file. */
const COMMAND_OPTIONS: Record<CommandName, readonly OptionName[]> = {
  info: ['db', 'json'],
  migrate: ['db', 'json', 'yes'],
  check: ['db', 'json', 'limit', 'suggest'],
  'delete-orphans': ['db', 'json', 'yes', 'all', 'ids'],
  'assign-orphans': ['db', 'json', 'yes', 'all', 'ids', 'business', 'suggested'],
  backups: ['db', 'json', 'yes', 'verify', 'prune'],
  restore: ['db', 'json', 'yes'],
  verify: ['json'],
  help: ['json'],
};

export interface CliArgs {
  command: CommandName;
  /** The value of --db, when given. */
  db?: string;
  json: boolean;
  yes: boolean;
  limit?: number;
  business?: string;
  /** --all or --ids, when given. */
  selection?: OrphanSelection;
  /** check --suggest: the suggested assignments instead of the overview. */
  suggest: boolean;
  /** assign-orphans --suggested: every suggested group, each to its own business. */
  suggested: boolean;
  /** backups --verify [name], --prune. */
  backups?: { verify: boolean; name?: string; prune: boolean };
  /** restore <backup>: a backup's name as listed, or a path to one. */
  backup?: string;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const parsed = parseWithNodeUtil(argv);
  const [commandWord, ...extra] = parsed.positionals;
  const help = parsed.values.help === true;
  if (commandWord === undefined && help) return helpArgs(parsed.values.json === true);
  if (commandWord === undefined) throw new UsageError('No command given.');
  if (!isCommand(commandWord)) throw new UsageError(`Unknown command "${commandWord}".`);
  const named = commandWord === 'backups' && parsed.values.verify === true && extra.length === 1 ? extra.shift() : undefined;
  // restore takes one argument: the backup.
  const backup = commandWord === 'restore' ? extra.shift() : undefined;
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}" after ${commandWord}${backup ? ` ${backup}` : ''}.`);
  if (help) return helpArgs(parsed.values.json === true);
  refuseForeignFlags(commandWord, parsed.usedFlags);

  const { values } = parsed;
  if (values.db !== undefined && values.db.trim() === '') throw new UsageError('--db needs a path, e.g. --db ./automation.db');
  if (values.all && values.ids !== undefined) throw new UsageError('Use either --all or --ids, not both.');
  if (values.suggested && (values.all || values.ids !== undefined || values.business !== undefined)) {
    throw new UsageError('Use --suggested alone: it gives each suggested group to its own business. --all, --ids and --business choose orphans for one business.');
  }
  if (values.verify && values.prune) throw new UsageError('Use either --verify or --prune, not both.');
  return {
    command: commandWord,
    db: values.db,
    json: values.json === true,
    yes: values.yes === true,
    limit: values.limit === undefined ? undefined : parsePositiveInteger('--limit', values.limit),
    business: values.business,
    selection: values.all ? { kind: 'all' } : values.ids !== undefined ? { kind: 'ids', ids: parseIds(values.ids) } : undefined,
    suggest: values.suggest === true,
    suggested: values.suggested === true,
    backups: commandWord === 'backups' ? { verify: values.verify === true, name: named, prune: values.prune === true } : undefined,
    backup,
  };
}

function helpArgs(json: boolean): CliArgs {
  return { command: 'help', json, yes: false, suggest: false, suggested: false };
}

function parseWithNodeUtil(argv: readonly string[]) {
  try {
    const { values, positionals, tokens } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
    const usedFlags = tokens.flatMap((t) => (t.kind === 'option' ? [{ name: t.name as OptionName, raw: t.rawName }] : []));
    return { values, positionals, usedFlags };
  } catch (error) {
    // node:util names the flag in its message ("Unknown option '--force'"); keep that, drop its hints for JS callers.
    throw new UsageError((error as Error).message.split('. To specify')[0]!.replace(/\.$/, '') + '.');
  }
}

function isCommand(word: string): word is CommandName {
  return (COMMANDS as readonly string[]).includes(word);
}

function refuseForeignFlags(command: CommandName, used: { name: OptionName; raw: string }[]): void {
  const allowed = COMMAND_OPTIONS[command];
  const foreign = used.find((flag) => flag.name !== 'help' && !allowed.includes(flag.name));
  if (foreign) throw new UsageError(`The ${command} command does not take ${foreign.raw}.`);
}

function parsePositiveInteger(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`${flag} needs a positive whole number, got "${text}".`);
  return Number(text);
}

function parseIds(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  const bad = parts.filter((part) => !/^\d+$/.test(part) || Number(part) < 1);
  if (parts.length === 0 || bad.length > 0) {
    throw new UsageError(`--ids needs run ids separated by commas, e.g. --ids 12,15,40${bad.length > 0 ? `; not: ${bad.join(', ')}` : ''}.`);
  }
  return parts.map(Number);
}

export const USAGE = `Automation Console — headless tools over the app's database.

Usage: automation-console <command> [flags]      (from a checkout: npm run cli -- <command> [flags])
       <app executable> --cli <command> [flags]  (the installed app's own binary; no Node needed)

Commands:
  info              Where the database is, its schema and SQLite versions, size, row counts, adoption record.
  migrate           Create the database, apply pending migrations (backing up first), or convert a
                    server-edition database in place (asks first on a terminal; --yes to skip the question).
  check             Runs per business that has runs, system runs, orphan count and the newest orphans (--limit N, default 20).
                    With --suggest: the suggested assignments instead: orphans grouped by the business the
                    database's evidence names (former business id, or the triggering user's business), and why.
  delete-orphans    Delete orphaned runs: --all or --ids 1,2,3. Previews by default and changes nothing.
                    On a terminal it then asks you to type "delete N orphans"; elsewhere pass --yes.
                    A backup of the database is made first.
  assign-orphans    Give orphaned runs to a business: --business <id|legacy id|name> and --all or --ids.
                    Same preview and confirmation ("assign N orphans to <business>"; --yes elsewhere).
                    Or --suggested: every suggested group (see check --suggest) to its own business, after
                    the same preview and confirmation ("assign N orphans as suggested"); a backup is made first.
  backups           The database's backups (in backups/ beside it), newest first: what made each, when, its
                    schema version, size, counts and checksum, the total size and the retention policy.
                    --verify checks every backup (or --verify NAME one): integrity, schema version, checksum.
                    --prune removes what the retention policy no longer keeps; previews by default, and on
                    a terminal asks you to type "prune N backups"; elsewhere pass --yes.
  restore <backup>  Put a backup in the database's place: a backup's name (as backups lists it) or a path to one.
                    Shows what it holds against the current file first; on a terminal it then asks you to
                    type "restore <backup name>"; elsewhere pass --yes. Refused while the app has the file
                    open, for a backup that fails SQLite's integrity check, and for one a newer app wrote.
                    A backup of the current file is made first; an older backup is migrated as it opens.
  verify            Check tenant isolation on a scratch database in a temp folder (your database is
                    never touched): each business sees only its own runs. Prints PASS/FAIL per check.
  help              This text (also --help, -h).

Flags:
  --db PATH         The database file. Default: $AUTOMATION_DB, else automation.db in the app's
                    user-data folder. Commands other than migrate never create or convert a file.
  --json            Machine-readable JSON on stdout ({"ok":true,"value":…} or {"ok":false,"error":…});
                    no progress output, and no questions: changes need --yes.
  --yes, -y         Confirm without being asked (migrate, delete-orphans, assign-orphans, backups --prune, restore).
  --all             Select every orphan.
  --ids 1,2,3       Select these orphan run ids (each must be an orphan).
  --business REF    A business id, its server-edition id, or its name.
  --limit N         How many of the newest orphans check lists (default 20).
  --suggest         check: list the suggested assignments.
  --suggested       assign-orphans: assign every suggested group (not with --all, --ids or --business).
  --verify [NAME]   backups: check every backup, or the one named.
  --prune           backups: remove the backups the retention policy no longer keeps.

Exit codes:
  ${ExitCode.ok}  ok
  ${ExitCode.failure}  failure: verify or backups --verify found a problem, or the operation was refused (e.g. an id is not an
     orphan, a backup to restore fails its check or is newer than the app)
  ${ExitCode.usage}  usage error: unknown command or flag, bad value
  ${ExitCode.confirmation}  confirmation needed or declined: nothing was changed
  ${ExitCode.database}  the database cannot be opened or migrated (a backup path is printed when one was made)
  ${ExitCode.conflict}  conflict: the orphans changed since the preview, or (restore) the database is open in the
     app or another program; nothing was changed
`;
