// The one place that knows backup files by name: where each kind is written, the pending name a backup has until the
// operation it was made for commits, and what the next open does with one a crash left pending.
//
// Every backup the app makes is `backups/<label>-<stamp>.db` beside the database (`-2`, `-3`… within one millisecond),
// with its record `<name>.json` beside it (db/backup-record.ts). The label says what made it: `schema-N` (before
// migrating from schema N), `before-delete-orphans`, `before-assign-suggested`, `before-delete-business-<id>`,
// `before-restore` (a restore's backup of the current file), `legacy-<revision>` (an adopted server-edition file),
// `job` (the maintenance.backup job). While it is being made and until its operation commits, a backup is `<name>.pending-<pid>`: a crash in between leaves that name, never a file
// that looks like a good backup of something that did not happen.
//
// Earlier versions wrote `automation.db.<label>.<stamp>.backup` beside the database and `backups/automation-<stamp>.db`
// for the job: those are still listed (and settled, pruned), never moved.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { backupsFolderFor } from './paths';

/** `automation.db` + label `schema-2` → `backups/schema-2-2026-11-26T15-05-00-123Z.db` beside it; free of any taken name. */
export function backupPathFor(databasePath: string, label: string, now: Date = new Date()): string {
  const folder = backupsFolderFor(databasePath);
  const stamp = fileStamp(now);
  for (let n = 1; ; n++) {
    const candidate = path.join(folder, `${label}-${stamp}${n === 1 ? '' : `-${n}`}.db`);
    if (!fs.existsSync(candidate) && !fs.existsSync(pendingBackup(candidate).pendingPath)) return candidate;
  }
}

function fileStamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/** `2026-11-26T15-05-00-123Z` → the instant it names; null for anything else. */
function stampInstant(stamp: string): Date | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)-(\d{3})Z$/.exec(stamp);
  if (!match) return null;
  const at = new Date(`${match[1]}:${match[2]}:${match[3]}.${match[4]}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** What a backup's name says: what made it (its label) and when. */
export interface BackupName {
  label: string;
  createdAt: Date;
  /** Written by this app's backups/ folder naming, or found in an older place. */
  place: 'backups' | 'beside';
}

/** The label and time a backup file's name carries (pending suffix aside); null for a file that is no backup of `databasePath`. */
export function parseBackupName(databasePath: string, file: string): BackupName | null {
  const name = stripPending(path.basename(file)).name;
  if (path.dirname(file) === backupsFolderFor(databasePath)) {
    const match = /^(.+)-(\d{4}-\d\d-\d\dT[\d-]+?Z)(?:-\d+)?\.db$/.exec(name);
    const createdAt = match ? stampInstant(match[2]!) : null;
    if (!match || !createdAt) return null;
    // The job's file of earlier versions: `automation-<stamp>.db`.
    return { label: match[1] === 'automation' ? 'job' : match[1]!, createdAt, place: 'backups' };
  }
  const base = path.basename(databasePath);
  if (!name.startsWith(`${base}.`) || !name.endsWith('.backup')) return null;
  const match = /^(.+)\.(\d{4}-\d\d-\d\dT[\d-]+Z)$/.exec(name.slice(base.length + 1, -'.backup'.length));
  const createdAt = match ? stampInstant(match[2]!) : null;
  return match && createdAt ? { label: match[1]!, createdAt, place: 'beside' } : null;
}

/** What kind of backup a label names: `schema-18` → `schema`, `before-delete-business-3` → `before-delete-business`. */
export function backupKindOf(label: string): string {
  return label.replace(/^(schema|legacy|before-delete-business)-.+$/, '$1');
}

/** A backup whose operation has not committed yet: written at `pendingPath`, named `path` once kept. */
export interface PendingBackup {
  readonly path: string;
  readonly pendingPath: string;
}

const PENDING = /^(.+)\.pending-(\d+)$/;

export function pendingBackup(finalPath: string): PendingBackup {
  return { path: finalPath, pendingPath: `${finalPath}.pending-${process.pid}` };
}

/** The operation committed (or failed and its error names the backup): the backup takes its name, durably. */
export function keepBackup(backup: PendingBackup): void {
  fs.renameSync(backup.pendingPath, backup.path);
  syncDirectory(path.dirname(backup.path));
}

/** The operation did not happen: its backup goes. */
export function discardBackup(backup: PendingBackup): void {
  fs.rmSync(backup.pendingPath, { force: true });
}

/** Makes a rename durable (a no-op where directories cannot be opened, as on Windows). */
export function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is atomic either way.
  } finally {
    fs.closeSync(fd);
  }
}

export interface BackupFileEntry {
  path: string;
  bytes: number;
  /** What made it: `schema-2`, `before-delete-orphans`, `job`… (parseBackupName). */
  label: string;
  /** Still pending: the process writing it, and whether it is alive (its operation may be under way). */
  pending: { pid: number; alive: boolean } | null;
}

/** Every backup file of the database at `databasePath`, kept or pending, in backups/ and in the older place beside it. */
export function listBackupFiles(databasePath: string): BackupFileEntry[] {
  const folders = [backupsFolderFor(databasePath), path.dirname(databasePath)];
  return folders.flatMap((folder) =>
    namesIn(folder).flatMap((name) => {
      const file = path.join(folder, name);
      const parsed = parseBackupName(databasePath, file);
      return parsed === null ? [] : [entry(file, parsed.label)];
    }),
  );
}

function namesIn(folder: string): string[] {
  try {
    return fs.readdirSync(folder);
  } catch {
    return [];
  }
}

function stripPending(name: string): { name: string; pid: number | null } {
  const match = PENDING.exec(name);
  return match ? { name: match[1]!, pid: Number(match[2]) } : { name, pid: null };
}


function entry(file: string, label: string): BackupFileEntry {
  const { pid } = stripPending(path.basename(file));
  let bytes = 0;
  try {
    bytes = fs.statSync(file).size;
  } catch {
    // Gone since the folder was read: its size is unknown.
  }
  return { path: file, bytes, label, pending: pid === null ? null : { pid, alive: processAlive(pid) } };
}

/** Whether a process of this id exists (one of another user counts: it cannot be signalled, but it is there). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LeftoverBackups {
  /** Made for an operation that committed before a crash took the process: now under their names. */
  kept: string[];
  /** Made for an operation that never committed: removed. */
  removed: { path: string; bytes: number }[];
  /** Still being written by a live process (an operation under way there): left alone. */
  underWay: { path: string; pid: number }[];
}

/**
 * At open, once the file is known to be ours and before it is migrated: what each pending backup of a process that is
 * gone becomes. Its operation committed when the database says so: a migration past the backup's schema version, or
 * an audit event that names the backup (every destructive change records its backup in its own transaction). Then it
 * takes its name; otherwise it is removed. A job's backup never completed its run: removed.
 */
export function settleLeftoverBackups(sqlite: Database.Database, databasePath: string, schemaVersion: number): LeftoverBackups {
  const leftovers: LeftoverBackups = { kept: [], removed: [], underWay: [] };
  const pending = listBackupFiles(databasePath).filter((backup) => backup.pending !== null);
  if (pending.length === 0) return leftovers;
  const recorded = backupsNamedByAuditEvents(sqlite);
  for (const backup of pending) {
    const { pid, alive } = backup.pending!;
    if (alive) {
      leftovers.underWay.push({ path: backup.path, pid });
      continue;
    }
    const finalPath = stripPendingPath(backup.path);
    const schema = /^schema-(\d+)$/.exec(backup.label);
    const committed = schema ? schemaVersion > Number(schema[1]) : backup.label !== 'job' && recorded.has(path.basename(finalPath));
    if (committed) {
      keepBackup({ path: finalPath, pendingPath: backup.path });
      leftovers.kept.push(finalPath);
    } else {
      // With the rollback journal of an online backup killed half-way, which SQLite would otherwise leave beside it.
      for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(`${backup.path}${suffix}`, { force: true });
      leftovers.removed.push({ path: backup.path, bytes: backup.bytes });
    }
  }
  return leftovers;
}

function stripPendingPath(file: string): string {
  return path.join(path.dirname(file), stripPending(path.basename(file)).name);
}

/** The file names of the backups the audit log records (details.backupPath), wherever the folder was then. */
function backupsNamedByAuditEvents(sqlite: Database.Database): Set<string> {
  const paths = sqlite
    .prepare("SELECT json_extract(details, '$.backupPath') FROM audit_events WHERE json_extract(details, '$.backupPath') IS NOT NULL")
    .pluck()
    .all() as string[];
  return new Set(paths.map((file) => path.basename(file)));
}
