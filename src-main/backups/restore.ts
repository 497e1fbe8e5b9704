// Restoring a backup over the database, for the CLI (`restore`) and the app (backups.restore). In order: the backup is
// checked (refused, with nothing changed, when it fails SQLite's integrity check or a newer app wrote it); a backup of
// the current file is made (pending until the swap, db/backup-files.ts); the backup is copied beside the database,
// where its audit event (`backup.restored`: who, which backup, the backup of the previous file) is written into the
// copy, which is then made durable; the caller closes every connection it has; and db/restore-swap.ts puts the copy in
// place with one rename under SQLite's exclusive lock. The event travels inside the file it describes, so the rename
// commits both: a process killed before it leaves the old file (and the next open removes the copy and the pending
// backup), killed after it, the restored file, whose event names the previous file's backup (which the next open then
// keeps). The caller opens the database again through the normal path (startup.ts), which migrates an older backup.
import fs from 'node:fs';
import path from 'node:path';
import type { ProgressListener } from '../../src-shared/progress';
import { recordAuditEvent, type AuditActor } from '../audit/record';
import { backupDatabase, backUpBefore, syncFile } from '../db/backup';
import { backupPathFor } from '../db/backup-files';
import { inImmediateTransaction, openDatabaseFile, type AppDatabase } from '../db/connection';
import type { Migration } from '../db/migrations';
import { restoringPathFor, swapInRestoredFile } from '../db/restore-swap';
import { checkBackup, type CheckedBackup } from './restore-preview';

/** The audit action of a restore, recorded in the restored file. */
export const BACKUP_RESTORED = 'backup.restored';

export interface RestoreOptions {
  actor: AuditActor;
  /** The app's migrations: a backup that knows more is refused. */
  migrations: Migration[];
  nativeBinding?: string;
  now?: () => Date;
  onProgress?: ProgressListener;
  /** Once the backup is found good, before the current file is backed up: stops whatever writes to the database. */
  quiesce?: () => void | Promise<void>;
  /**
   * Closes every connection the caller has to the database (the one given included), once the backup of the current
   * file is made and the copy is ready; the swap refuses while any connection is open.
   */
  closeConnections: () => void | Promise<void>;
}

export interface RestoreResult {
  /** The backup now in the database's place. */
  restored: { name: string; path: string; schemaVersion: number };
  /** The backup of the file as it was before the restore: the way back. */
  previousBackupPath: string;
}

/** Restores `backupFile` over `db`'s file; `db` is closed on return, whatever happened: the caller opens the file again. */
export async function restoreFromBackup(db: AppDatabase, backupFile: string, options: RestoreOptions): Promise<RestoreResult> {
  const { onProgress, nativeBinding } = options;
  let closed = false;
  const closeConnections = async () => {
    if (!closed) await options.closeConnections();
    closed = true;
  };
  try {
    const checked = checkBackup(backupFile, options.migrations, nativeBinding);
    await options.quiesce?.();
    const now = options.now ?? (() => new Date());
    const phase = 'Backing up the current database';
    const { backup } = await backUpBefore(
      db.sqlite,
      backupPathFor(db.path, 'before-restore', now()),
      (previous) => swapIn(db.path, backupFile, checked, { ...options, closeConnections, previousBackupPath: previous.path, at: now() }),
      { onProgress: (p) => onProgress?.({ phase, done: p.copiedPages, total: p.totalPages }) },
    );
    return { restored: { name: path.basename(backupFile), path: backupFile, schemaVersion: checked.schemaVersion }, previousBackupPath: backup.path };
  } finally {
    await closeConnections();
  }
}

interface SwapOptions extends RestoreOptions {
  previousBackupPath: string;
  at: Date;
}

/** The copy, its audit event, the connections closed, the rename; the copy is removed if anything fails before it. */
async function swapIn(databasePath: string, backupFile: string, checked: CheckedBackup, options: SwapOptions): Promise<void> {
  const restoring = restoringPathFor(databasePath);
  try {
    await copyBackup(backupFile, restoring, options);
    recordRestore(restoring, backupFile, checked, options);
    syncFile(restoring);
    await options.closeConnections();
    options.onProgress?.({ phase: 'Putting the backup in place', done: 0, total: 1 });
    swapInRestoredFile(databasePath, restoring, options.nativeBinding);
    options.onProgress?.({ phase: 'Putting the backup in place', done: 1, total: 1 });
  } finally {
    for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(`${restoring}${suffix}`, { force: true });
  }
}

/** The backup copied through SQLite (a -wal beside it is read too), into a private file beside the database. */
async function copyBackup(backupFile: string, destination: string, options: SwapOptions): Promise<void> {
  const source = openDatabaseFile(backupFile, { mustExist: true, nativeBinding: options.nativeBinding });
  const phase = 'Copying the backup';
  try {
    await backupDatabase(source.sqlite, destination, (p) => options.onProgress?.({ phase, done: p.copiedPages, total: p.totalPages }));
  } finally {
    source.close();
  }
}

/**
 * Writes `backup.restored` into the copy, which leaves it in a rollback journal mode and closed: a file complete on
 * its own, with no -wal. The actor is recorded as the user only when the copy knows the same user (id and email);
 * otherwise as the app, with who asked in the details.
 */
function recordRestore(copy: string, backupFile: string, checked: CheckedBackup, options: SwapOptions): void {
  const db = openDatabaseFile(copy, { mustExist: true, nativeBinding: options.nativeBinding });
  try {
    db.sqlite.pragma('journal_mode = DELETE');
    const { actor } = options;
    const known =
      actor.kind !== 'user' || db.sqlite.prepare('SELECT 1 FROM users WHERE id = ? AND email = ?').get(actor.userId, actor.label) !== undefined;
    inImmediateTransaction(db, (tx) =>
      recordAuditEvent(tx, {
        actor: known ? actor : { kind: 'app', label: 'system' },
        action: BACKUP_RESTORED,
        target: { type: 'file', id: backupFile },
        details: {
          restoredFrom: path.basename(backupFile),
          restoredFromPath: backupFile,
          schemaVersion: checked.schemaVersion,
          // Named as every destructive change names its backup: the next open keeps it by this (settleLeftoverBackups).
          backupPath: options.previousBackupPath,
          ...(known ? {} : { requestedBy: actor.label }),
        },
        at: options.at.getTime(),
      }),
    );
  } finally {
    db.close();
  }
}
